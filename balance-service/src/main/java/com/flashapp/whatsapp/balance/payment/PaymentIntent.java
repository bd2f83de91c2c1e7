package com.flashapp.whatsapp.balance.payment;

import java.time.Instant;
import java.util.UUID;

/**
 * A payment from "send"/"pay" until it is done. {@code id} is also Flash's idempotency key, so re-sending the
 * same intent never pays twice. {@code amountMinor} is in the sending wallet's unit (cents or sats; for an
 * invoice, its sats); {@code usdCents} is its US-cent value for the limits.
 */
public record PaymentIntent(UUID id, String userRef, Status status, Kind kind, String walletId, String walletCurrency,
                            String recipientKind, String recipientLabel, String recipientKey, long amountMinor,
                            long usdCents, String memo, String flashTransactionId, Instant createdAt,
                            Instant expiresAt) {

    public enum Status { PENDING, SENDING, SENT, FAILED, DECLINED, EXPIRED }

    /** Which Flash mutation sends it. */
    public enum Kind {
        INTRA_USD, INTRA_SATS, INVOICE,
        /** An invoice without an amount, paid with the user's amount in sats from the BTC wallet. */
        NOAMOUNT_SATS,
        /** An invoice without an amount, paid in cents from the USD wallet: Flash takes no idempotency key. */
        NOAMOUNT_USD
    }
}
