package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import io.smallrye.mutiny.Uni;

/**
 * Handles the messages of a consumed queue, once each. The bean qualified {@code @Identifier("<consumer>")} handles
 * that consumer's queue; an unqualified bean handles every queue without one of its own.
 *
 * <p>The returned {@link Uni} decides what happens to the message: an item acknowledges it; a
 * {@link RejectedMessage} dead-letters it at once (it can never succeed); a failure because something the handler
 * needs is away (see {@link Failures#isTransient}) is retried in place with backoff, so nothing is spent from the
 * message's delivery limit while a database restarts; any other failure returns it to the queue, and the queue's
 * delivery limit dead-letters it after {@code messaging.max-deliveries} attempts.
 *
 * <p>It runs on a Vert.x duplicated context of its own (safe for Hibernate Reactive), on the event loop: no
 * blocking calls. New envelopes created while it runs get message ids derived from the handled message's id (see
 * {@code Envelope.MessageIds}), so running it again publishes nothing new.
 */
@FunctionalInterface
public interface MessageHandler {

    Uni<Void> handle(ContractMessage message);
}
