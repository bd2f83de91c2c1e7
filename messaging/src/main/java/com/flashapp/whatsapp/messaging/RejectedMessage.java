package com.flashapp.whatsapp.messaging;

/** Thrown (or failed with) by a handler for a message that can never be handled: it goes to the DLQ at once. */
public class RejectedMessage extends RuntimeException {

    private final String reason;

    public RejectedMessage(String reason) {
        super(reason, null, false, false);
        this.reason = reason;
    }

    /** A short, data-free reason, used as a metric tag and in the log line. */
    public String reason() {
        return reason;
    }
}
