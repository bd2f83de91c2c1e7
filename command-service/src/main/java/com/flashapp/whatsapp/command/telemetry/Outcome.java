package com.flashapp.whatsapp.command.telemetry;

import java.util.Locale;

/** How handling a message ended, for telemetry. */
public enum Outcome {
    /** Routed to its owner or answered here. */
    OK,
    /** The command word was understood, the arguments were not. */
    PARSE_ERROR,
    /** The command needs a linked account and the user has none. */
    NEEDS_LINK,
    /** "Did you mean …?" */
    FUZZY_SUGGESTION,
    /** Nothing matched: the text went to AI support. */
    ROUTED_TO_AI,
    /** The reply answered an open expectation and went to its owner. */
    ANSWERED,
    /** The user cancelled, or declined a suggestion. */
    CANCELLED,
    /** An admin command needs the admin code first. */
    NEEDS_VERIFICATION,
    /** A wrong admin code. */
    DENIED,
    /** The sender is blocked by an admin: nothing was answered. */
    BLOCKED,
    /** The user confirmed "delete my data": no telemetry row is written for it (it would be theirs). */
    ERASED,
    /** Handed to ai-support's handoff: a request for a person, a message of an open ticket, an agent command. */
    HANDOFF;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
