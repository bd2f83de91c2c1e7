package com.flashapp.whatsapp.command.parser;

import com.flashapp.whatsapp.command.registry.CommandSpec;

import java.util.List;

/** What the parser made of a message. */
public sealed interface ParseResult {

    /** A command with readable arguments. */
    record Matched(CommandSpec spec, Args args) implements ParseResult {
    }

    /** The command word was understood, its arguments were not; {@code message} says what to type. */
    record Invalid(CommandSpec spec, String message) implements ParseResult {
    }

    /**
     * Nothing matched exactly but these commands are close; {@code rest} is what followed the mistyped word, so
     * the corrected message is {@code candidate.name() + " " + rest}.
     */
    record Suggestion(List<CommandSpec> candidates, String rest) implements ParseResult {

        public String corrected(CommandSpec candidate) {
            return rest.isEmpty() ? candidate.name() : candidate.name() + " " + rest;
        }
    }

    /** Not a command: a question or a remark for AI support. */
    record Unmatched(String text) implements ParseResult {
    }

    /**
     * Small talk: thanks, a greeting, "ok", 👍 ({@code kind} is {@code thanks}, {@code greeting}, {@code bye} or
     * {@code ack}); a short friendly reply, never an FAQ quote.
     */
    record SmallTalk(String kind) implements ParseResult {
    }

    /** Nothing readable (an empty body, only emoji). */
    record Empty() implements ParseResult {
    }
}
