package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.registry.CommandRegistry;

import java.util.Set;

/** What the intent layer can decide a message is: a command (its registry name), small talk, or a question. */
public final class Labels {

    /** Thanks, greetings, "ok", 👍: a short friendly reply, never an FAQ. */
    public static final String SMALL_TALK = "smalltalk";
    /** Not an action: a question or remark for AI support. */
    public static final String QUESTION = "question";

    /** Every label the dataset and the matcher use. */
    public static final Set<String> ALL = Set.of(CommandRegistry.BALANCE, CommandRegistry.PRICE,
            CommandRegistry.HISTORY, CommandRegistry.RECEIVE, CommandRegistry.SEND, CommandRegistry.REQUEST,
            CommandRegistry.LINK, CommandRegistry.UNLINK, CommandRegistry.NOTIFICATIONS, CommandRegistry.HELP,
            CommandRegistry.ABOUT, CommandRegistry.CANCEL, SMALL_TALK, QUESTION);

    private Labels() {
    }

    public static boolean isCommand(String label) {
        return !SMALL_TALK.equals(label) && !QUESTION.equals(label);
    }
}
