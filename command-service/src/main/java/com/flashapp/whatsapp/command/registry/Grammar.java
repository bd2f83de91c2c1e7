package com.flashapp.whatsapp.command.registry;

import com.flashapp.whatsapp.command.parser.ArgumentException;
import com.flashapp.whatsapp.command.parser.Args;
import com.flashapp.whatsapp.command.parser.Grammars;

import java.util.List;

/** How a command reads the tokens after its name. */
@FunctionalInterface
public interface Grammar {

    /**
     * No arguments: polite filler after the command word is fine ("unlink please"); other words mean the message
     * is not this command after all ("flash is down" is a question, not "what is flash").
     */
    Grammar NONE = tokens -> Grammars.onlyFillers(tokens) ? Args.NONE : null;

    /**
     * The arguments; null when the words after the command word show the message is not this command;
     * {@link ArgumentException} when it is this command but the arguments cannot be read.
     */
    Args parse(List<String> tokens) throws ArgumentException;
}
