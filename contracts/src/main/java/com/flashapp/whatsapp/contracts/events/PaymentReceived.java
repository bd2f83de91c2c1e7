package com.flashapp.whatsapp.contracts.events;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Money arrived in a linked user's wallet ({@code flash.events}, {@code payment.received}); idempotent by
 * {@code transactionId}. {@code amountMinor} is in sats for BTC wallets and cents for USD wallets; {@code
 * counterparty} is a username or null for Lightning; {@code source} is {@code subscription}, {@code webhook}
 * or {@code reconcile}; {@code userRef} in the envelope may be null for a webhook, then {@code
 * flashAccountId} identifies the user.
 */
public record PaymentReceived(
        Envelope envelope,
        String transactionId,
        String flashAccountId,
        String walletId,
        String walletCurrency,
        long amountMinor,
        BigDecimal displayAmount,
        String displayCurrency,
        String counterparty,
        String memo,
        String source,
        Instant settledAt) implements ContractMessage {
}
