package com.flashapp.whatsapp.balance.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** What the wallet transactions read from Flash, as plain records (exact amounts, never double). */
public final class WalletModels {

    private WalletModels() {
    }

    /**
     * One transaction. {@code amountMinor} is signed, in the settlement currency's minor unit (sats for BTC,
     * cents for USD/USDT); {@code displayAmount} is in display-currency major units; {@code counterparty} is a
     * Flash username or null (Lightning / on-chain); {@code walletId} is known only when read per wallet.
     */
    public record Tx(String id, Instant createdAt, String direction, String status, String memo, long amountMinor,
                     long feeMinor, String currency, BigDecimal displayAmount, String displayCurrency,
                     String counterparty, String via, String walletId) {

        public boolean received() {
            return "RECEIVE".equals(direction);
        }
    }

    /** A page of the account's transactions, newest first. */
    public record TxPage(List<Tx> items, boolean hasNextPage, String endCursor) {
    }

    /** Extra details Flash keeps apart from the list ({@code transactionDetails}); any field may be null. */
    public record TxDetails(String id, String memo, BigDecimal fee, String invoice, String status, String type) {
    }

    /** A created invoice; {@code sats} is null for a no-amount invoice. */
    public record Invoice(String paymentRequest, String paymentHash, Long sats) {
    }

    /** A wallet found by username ({@code accountDefaultWallet}). */
    public record PublicWallet(String id, String currency) {
    }

    /**
     * A fee probe's answer: {@code fee} in the probed wallet's unit (sats for BTC, cents for USD), or the refusal
     * ({@code errorCode} / {@code errorMessage}) when Flash says the payment cannot be made as asked.
     */
    public record FeeQuote(Long fee, String errorCode, String errorMessage) {
    }

    /**
     * The outcome of a payment mutation: {@code status} is Flash's {@code PaymentSendResult} (SUCCESS, PENDING,
     * ALREADY_PAID, FAILURE); {@code errorCode} / {@code errorMessage} describe a refusal.
     */
    public record PaymentOutcome(String status, String errorCode, String errorMessage) {

        public boolean succeeded() {
            return errorCode == null && ("SUCCESS".equals(status) || "PENDING".equals(status)
                    || "ALREADY_PAID".equals(status));
        }
    }
}
