package com.flashapp.whatsapp.sandbox.flash;

import java.time.Instant;

/** The in-memory records of the Flash simulator (never leave the flash package except as GraphQL/control views). */
final class FlashModel {

    private FlashModel() {
    }

    /** A simulated Flash user with one account and a BTC and a USD wallet. */
    static final class User {
        final String id;
        final String accountId;
        final String phone;
        final long createdAt;
        String username;
        String displayCurrency;
        String defaultWalletId;
        final Wallet btc;
        final Wallet usd;

        User(String id, String accountId, String phone, long createdAt, Wallet btc, Wallet usd) {
            this.id = id;
            this.accountId = accountId;
            this.phone = phone;
            this.createdAt = createdAt;
            this.btc = btc;
            this.usd = usd;
            this.defaultWalletId = usd.id;
        }

        Wallet wallet(String currency) {
            return "BTC".equals(currency) ? btc : usd;
        }
    }

    /** A wallet; balance in sats (BTC) or US cents (USD). */
    static final class Wallet {
        final String id;
        final String accountId;
        final String currency;
        long balance;

        Wallet(String id, String accountId, String currency, long balance) {
            this.id = id;
            this.accountId = accountId;
            this.currency = currency;
            this.balance = balance;
        }
    }

    /** A settled transaction as one wallet sees it; amount signed in the wallet's minor unit. */
    record Tx(String id, String walletId, String accountId, long createdAt, String direction, long amount,
              String currency, String memo, String via, String counterPartyUsername, String counterPartyWalletId,
              String paymentHash, String preImage) {
    }

    /** The last login code sent to a phone. */
    static final class Otp {
        final String phone;
        final String code;
        final String channel;
        final Instant expiresAt;
        int failedAttempts;
        boolean used;

        Otp(String phone, String code, String channel, Instant expiresAt) {
            this.phone = phone;
            this.code = code;
            this.channel = channel;
            this.expiresAt = expiresAt;
        }
    }

    /** A Lightning invoice created by a simulated wallet. */
    static final class Invoice {
        final String paymentRequest;
        final String paymentHash;
        final String paymentSecret;
        final String preImage;
        final String walletId;
        final Long sats;
        final Long cents;
        final String memo;
        final Instant expiresAt;
        boolean paid;

        Invoice(String paymentRequest, String paymentHash, String paymentSecret, String preImage, String walletId,
                Long sats, Long cents, String memo, Instant expiresAt) {
            this.paymentRequest = paymentRequest;
            this.paymentHash = paymentHash;
            this.paymentSecret = paymentSecret;
            this.preImage = preImage;
            this.walletId = walletId;
            this.sats = sats;
            this.cents = cents;
            this.memo = memo;
            this.expiresAt = expiresAt;
        }
    }
}
