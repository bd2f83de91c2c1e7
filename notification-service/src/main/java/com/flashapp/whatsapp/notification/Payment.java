package com.flashapp.whatsapp.notification;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A payment to tell a user about (from payment.received or payment.sent). {@code amountMinor} is sats for a BTC
 * wallet and cents for a USD wallet; {@code displayAmount} is in the user's display currency when known.
 */
public record Payment(String transactionId, String eventType, String userRef, String walletCurrency,
                      long amountMinor, BigDecimal displayAmount, String displayCurrency, String counterparty,
                      String memo, Instant createdAt) {

    public static final String RECEIVED = "payment.received";
    public static final String SENT = "payment.sent";
}
