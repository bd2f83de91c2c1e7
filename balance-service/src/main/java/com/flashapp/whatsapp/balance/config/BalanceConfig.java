package com.flashapp.whatsapp.balance.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every setting of balance-service ({@code balance.*}); prod values come from the environment. */
@ConfigMapping(prefix = "balance")
public interface BalanceConfig {

    Flash flash();

    Link link();

    Mfa mfa();

    Cache cache();

    Crypto crypto();

    Format format();

    Outbox outbox();

    Housekeeping housekeeping();

    Media media();

    Lnurl lnurl();

    /** The Flash GraphQL API. */
    interface Flash {
        /** HTTP endpoint of Flash's GraphQL API. */
        @WithDefault("http://localhost:8089/graphql")
        String url();

        /**
         * A Flash backend credential accepted for {@code userPhoneRegistrationInitiate}; without one the user is
         * asked to request the code in the Flash app.
         */
        Optional<String> serviceToken();
    }

    /** Linking and one-time codes. */
    interface Link {
        /** How long a requested code (and the expectation for it) stays valid. */
        @WithDefault("PT10M")
        Duration codeTtl();

        /** Wrong codes allowed within {@link #attemptWindow()} before the flow locks. */
        @WithDefault("5")
        int maxAttempts();

        @WithDefault("PT15M")
        Duration attemptWindow();

        /** How long the code flow stays locked after too many wrong codes. */
        @WithDefault("PT15M")
        Duration lockout();

        /** How long a confirmation (e.g. "reply YES to unlink") stays open. */
        @WithDefault("PT5M")
        Duration confirmationTtl();

        /** How long a request waiting for an MFA code is kept. */
        @WithDefault("PT15M")
        Duration pendingRequestTtl();
    }

    /** The risk-based MFA guard (see {@code mfa.MfaPolicy}). */
    interface Mfa {
        /** A verified session ends after this long without activity. */
        @WithDefault("PT15M")
        Duration sessionIdle();

        /** A verified session ends this long after the code, whatever the activity. */
        @WithDefault("PT24H")
        Duration sessionAbsolute();

        /** Money movement of at least this many US cents asks for a fresh code. */
        @WithDefault("5000")
        long amountThresholdCents();

        /** Money movement that takes the day's total above this many US cents asks for a fresh code. */
        @WithDefault("20000")
        long dailyTotalCents();
    }

    /** Redis caches (encrypted). */
    interface Cache {
        /** A cached balance younger than this is answered without asking Flash. */
        @WithDefault("PT30S")
        Duration balanceTtl();

        /** How long the last known balance is kept for degraded answers while Flash is down. */
        @WithDefault("PT30M")
        Duration balanceKeep();

        @WithDefault("PT30S")
        Duration priceTtl();
    }

    /** AEAD keys for tokens and cached account data. */
    interface Crypto {
        /** Key id -> base64 256-bit AES key. Old keys stay here until the re-encrypt job has moved every row. */
        Map<String, String> keys();

        /** The key id new ciphertexts use. */
        String activeKeyId();

        /** How often the re-encrypt job looks for ciphertexts under older keys (a scheduler duration). */
        @WithDefault("1h")
        String reEncryptInterval();
    }

    /** Reply formatting. */
    interface Format {
        /** Locale for users who never told us theirs (BCP 47). */
        @WithDefault("en-JM")
        String defaultLocale();

        /** Display currency for price requests from users who are not linked. */
        @WithDefault("USD")
        String defaultCurrency();

        /** Time zone for "as of" and lockout times. */
        @WithDefault("America/Jamaica")
        String zone();
    }

    /** The outbox relay (events that accompany a database change). */
    interface Outbox {
        /** How often the relay publishes pending events (a scheduler duration). */
        @WithDefault("1s")
        String relayInterval();

        /** Events per relay transaction. */
        @WithDefault("50")
        int batchSize();
    }

    /** Deleting expired and old rows. */
    interface Housekeeping {
        /** How often (a scheduler duration). */
        @WithDefault("10m")
        String interval();

        /** Inbox entries: long after any redelivery could come. */
        @WithDefault("P7D")
        Duration inbox();

        /** Published outbox events. */
        @WithDefault("P7D")
        Duration outbox();

        /** Code challenges past their expiry, and wrong-code counters neither locked nor counting. */
        @WithDefault("P1D")
        Duration codes();

        /**
         * The payment working rows (intents, attempts, payment requests, emitted transaction ids): memo, recipient
         * label and amounts. The bridge never re-emits a Flash transaction older than this (see
         * {@code bridge.Reconciler}), so deleting its id cannot notify a payment twice.
         */
        @WithDefault("P90D")
        Duration paymentRows();

        /** The MFA and payment audit trails (who decided what, when). */
        @WithDefault("P400D")
        Duration audit();
    }

    /**
     * Images handed to the gateway ({@code gateway.media}) and the signed URLs that point at them. The signing key
     * is the one secret balance-service shares with the gateway (its {@code gateway.media.signing-key}).
     */
    interface Media {
        /** The gateway's public base URL: media URLs are {@code <base>/media/<id>?exp=…&sig=…}. */
        @WithDefault("http://localhost:8080")
        String publicBaseUrl();

        /** HMAC-SHA256 key of the media URLs, the same value as the gateway's {@code gateway.media.signing-key}. */
        String signingKey();

        /** Longest life of an image at the gateway (never longer than the invoice it shows). */
        @WithDefault("PT1H")
        Duration ttl();

        /** Width and height of a QR code PNG, in pixels. */
        @WithDefault("512")
        int qrSize();
    }

    /** Paying Lightning addresses of other wallets (LUD-16 → LNURL-pay, LUD-06). */
    interface Lnurl {
        /**
         * Dev/test only: base URLs by domain instead of {@code https://<domain>} (e.g. a sandbox endpoint); the
         * base gets {@code /.well-known/lnurlp/<user>} appended. Empty in prod: always https.
         */
        Map<String, String> baseUrlOverride();

        /** Connect + read timeout of each LNURL HTTP call. */
        @WithDefault("PT5S")
        Duration timeout();

        /** Largest LNURL-pay answer read, in bytes. */
        @WithDefault("65536")
        int maxResponseBytes();
    }
}
