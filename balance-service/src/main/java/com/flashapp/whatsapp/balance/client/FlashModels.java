package com.flashapp.whatsapp.balance.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** What balance-service reads from Flash, as plain records (exact amounts, never double). */
public final class FlashModels {

    private FlashModels() {
    }

    /** The logged-in user and their default account. */
    public record Me(String userId, String username, String accountId, String defaultWalletId,
                     String displayCurrency, List<Wallet> wallets) {
    }

    /**
     * One wallet. {@code balance} is in the wallet's minor unit: sats for BTC, US cents (possibly fractional)
     * for USD and USDT.
     */
    public record Wallet(String id, String currency, BigDecimal balance) {
    }

    /**
     * Flash's realtime price: {@code satBase / 10^satOffset} is the price of one sat and {@code centBase /
     * 10^centOffset} the price of one US cent, both in minor units of {@code currency}.
     */
    public record Price(String currency, long satBase, int satOffset, long centBase, int centOffset,
                        Instant timestamp) {

        public BigDecimal minorPerSat() {
            return BigDecimal.valueOf(satBase).movePointLeft(satOffset);
        }

        public BigDecimal minorPerUsdCent() {
            return BigDecimal.valueOf(centBase).movePointLeft(centOffset);
        }
    }

    /** A balance read: the wallets and the price to convert them, and when it was read. */
    public record Balance(String accountId, String displayCurrency, Price price, List<Wallet> wallets,
                          Instant fetchedAt) {
    }

    /** The outcome of {@code userLogin}. */
    public record Login(Outcome outcome, String token) {

        public enum Outcome { SUCCESS, WRONG_CODE, EXPIRED, TOO_MANY_REQUESTS, TOTP_REQUIRED }

        public static Login of(Outcome outcome) {
            return new Login(outcome, null);
        }
    }
}
