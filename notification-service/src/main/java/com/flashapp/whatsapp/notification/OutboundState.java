package com.flashapp.whatsapp.notification;

import java.util.Locale;

/**
 * The states of an outbound message. {@code queued → sending → sent → delivered → read}, or {@code failed} /
 * {@code undelivered}. {@code sent} means Twilio accepted the message (we hold its sid); later states come from
 * status callbacks, which may arrive out of order and twice, so a message only ever moves to a higher rank.
 */
public enum OutboundState {
    QUEUED(0), SENDING(1), SENT(2), DELIVERED(3), UNDELIVERED(3), FAILED(3), READ(4);

    private final int rank;

    OutboundState(int rank) {
        this.rank = rank;
    }

    public int rank() {
        return rank;
    }

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state for a Twilio {@code MessageStatus}; null for statuses that say nothing new (accepted...). */
    public static OutboundState fromTwilio(String status) {
        if (status == null) {
            return null;
        }
        return switch (status.toLowerCase(Locale.ROOT)) {
            case "queued", "accepted", "scheduled" -> QUEUED;
            case "sending" -> SENDING;
            case "sent" -> SENT;
            case "delivered" -> DELIVERED;
            case "read" -> READ;
            case "failed", "canceled" -> FAILED;
            case "undelivered" -> UNDELIVERED;
            default -> null;
        };
    }

    public static OutboundState of(String dbValue) {
        return valueOf(dbValue.toUpperCase(Locale.ROOT));
    }
}
