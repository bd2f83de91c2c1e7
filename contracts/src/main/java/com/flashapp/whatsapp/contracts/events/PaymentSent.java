package com.flashapp.whatsapp.contracts.events;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * Money left a linked user's wallet ({@code flash.events}, {@code payment.sent}); idempotent by {@code
 * transactionId}. Units as in {@link PaymentReceived}.
 */
public record PaymentSent(
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
