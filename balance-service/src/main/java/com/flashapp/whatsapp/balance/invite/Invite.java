package com.flashapp.whatsapp.balance.invite;

import com.flashapp.whatsapp.balance.payment.PaymentIntent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A payment to a number nobody linked yet: the money stays in the sender's wallet until the number links.
 * {@code ciphertext} holds the recipient's and the sender's WhatsApp addresses (null once the invite is closed);
 * {@code attempt} counts payments Flash refused, so each attempt has its own idempotency key.
 */
public record Invite(UUID id, String userRef, int number, Status status, String phoneHash, String ciphertext,
                     String recipientLabel, PaymentIntent.Kind kind, String walletId, String walletCurrency,
                     long amountMinor, long usdCents, int attempt, Instant createdAt, Instant expiresAt) {

    public enum Status { ASKED, OPEN, CLAIMING, PAID, CANCELLED, DECLINED, EXPIRED }

    /** The payment intent (and Flash idempotency key) of this invite's current attempt: the same on every retry. */
    public UUID intentId() {
        return UUID.nameUUIDFromBytes(("invite:" + id + ":" + attempt).getBytes(StandardCharsets.UTF_8));
    }
}
