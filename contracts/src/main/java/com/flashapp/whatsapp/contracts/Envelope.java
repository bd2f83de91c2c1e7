package com.flashapp.whatsapp.contracts;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * What every message on the broker carries, whatever its payload.
 *
 * @param messageId     unique per message: the consumer's idempotency key
 * @param correlationId the inbound Twilio {@code MessageSid} (or other origin id) that started the flow
 * @param occurredAt    when the producer created the message
 * @param userRef       keyed hash of the WhatsApp number; the key for stores, logs and metrics (may be null
 *                      for events that do not concern one known user yet, e.g. a Flash webhook)
 * @param type          the routing key the message is published with, e.g. {@code balance.get}
 */
public record Envelope(UUID messageId, String correlationId, Instant occurredAt, String userRef, String type) {

    /**
     * Where {@link #create} and {@link #follow} take new message ids from. Random by default; the messaging module
     * installs a source that, while a consumed message is being handled, derives each new id from the handled
     * message's id and how many ids that handling took before. A handler that runs again for the same message
     * (a retry, a redelivery after a crash) then publishes the same ids, and the receivers' inboxes drop the
     * second copies: redelivery never sends a user the same message twice.
     */
    @FunctionalInterface
    public interface MessageIds {
        UUID next(String type);
    }

    private static final MessageIds RANDOM = type -> UUID.randomUUID();
    private static volatile MessageIds ids = RANDOM;

    public Envelope {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(type, "type");
    }

    /** A new envelope with a fresh message id, stamped now. */
    public static Envelope create(String type, String correlationId, String userRef) {
        return new Envelope(ids.next(type), correlationId, Instant.now(), userRef, type);
    }

    /** A new message in the same flow (same correlation id and user) with another type. */
    public Envelope follow(String nextType) {
        return create(nextType, correlationId, userRef);
    }

    /** Installs the source of new message ids ({@code null}: random again). */
    public static void useMessageIds(MessageIds source) {
        ids = source == null ? RANDOM : source;
    }
}
