package com.flashapp.whatsapp.sandbox.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Typed configuration of the sandbox (prefix {@code sandbox}); defaults are the documented dev/test values. */
@ConfigMapping(prefix = "sandbox")
public interface SandboxConfig {

    Flash flash();

    Twilio twilio();

    Gateway gateway();

    Maple maple();

    Lnurl lnurl();

    /**
     * An outside wallet's LNURL-pay (LUD-06/LUD-16) for any user of a fake domain (e.g. {@code wallet.example},
     * mapped to {@code /sandbox/lnurl} by the product's dev/test config).
     */
    interface Lnurl {
        /** Smallest amount accepted, in millisatoshis. */
        @WithDefault("1000")
        long minSendableMsat();

        /** Largest amount accepted, in millisatoshis (100,000 sats). */
        @WithDefault("100000000")
        long maxSendableMsat();
    }

    /** Flash GraphQL simulator. */
    interface Flash {
        /** Seed users: a classpath resource or, if it exists, a file path. */
        @WithDefault("flash/seed-users.json")
        String seedFile();

        /** How long a login code stays valid (Twilio Verify uses 10 minutes). */
        @WithDefault("10m")
        Duration otpTtl();

        /** Wrong codes allowed per issued code before TOO_MANY_REQUEST. */
        @WithDefault("5")
        int otpMaxAttempts();

        /** Code requests allowed per phone per hour before TOO_MANY_REQUEST (Flash rate-limits code requests). */
        @WithDefault("20")
        int otpRequestsPerHour();

        /**
         * The real API requires an account session for userPhoneRegistrationInitiate. The product has no such
         * session before login, so the sandbox accepts the call unauthenticated unless this is true.
         */
        @WithDefault("false")
        boolean registrationInitiateRequiresAuth();

        /** Fee probes: the Lightning fee of an outside invoice, in basis points of its amount (50 = 0.5 %). */
        @WithDefault("50")
        long outsideFeeBasisPoints();

        /** Fee probes: the smallest Lightning fee of an outside invoice, in sats. */
        @WithDefault("1")
        long outsideFeeMinSats();

        /** Starting BTC price in US dollars (changeable with POST /sandbox/flash/prices). */
        @WithDefault("100000")
        long btcUsdPrice();

        /** graphql-ws: a socket that has not sent connection_init by then is closed with 4408 (graphql-ws default 3s). */
        @WithDefault("3s")
        Duration wsInitTimeout();

        /** Optional account webhook URL posted on incoming payments (receive.intraledger / receive.lightning). */
        Optional<String> accountWebhookUrl();
    }

    /** Twilio Messages API simulator. */
    interface Twilio {
        @WithDefault("AC00000000000000000000000000000000")
        String accountSid();

        @WithDefault("0123456789abcdef0123456789abcdef")
        String authToken();

        /** Our WhatsApp sender (the bot's number). */
        @WithDefault("whatsapp:+14155238886")
        String whatsappSender();

        /**
         * Every WhatsApp sender of ours a send's {@code From} may name (a sender pool); unset: only
         * {@link #whatsappSender()}. A send with a {@code MessagingServiceSid} and no {@code From} goes out from one of
         * them, always the same one for a recipient (Twilio's sticky sender).
         */
        Optional<List<String>> whatsappSenders();

        /**
         * Sends each sender may make per second; past it the send is refused with HTTP 429, code 20429 and a
         * {@code Retry-After}, as a sender's throughput limit would. 0 (the default): no limit. Changeable at run time
         * ({@code PUT /sandbox/twilio/sender-rate}).
         */
        @WithDefault("0")
        double senderRatePerSecond();

        /** Sends a sender may make at once before its rate applies (a token bucket); unset: one second's worth. */
        Optional<Integer> senderBurst();

        /** The customer-service window during which free-form messages are delivered. */
        @WithDefault("24h")
        Duration serviceWindow();

        /** Pause between the queued response and each status callback (sent, delivered, read). */
        @WithDefault("150ms")
        Duration callbackInterval();

        /**
         * Base of the media URLs in voice-note webhooks ({@code <base>/2010-04-01/Accounts/…/Media/ME…}); by default
         * the base URL the voice note was posted to (the sandbox as its caller reached it).
         */
        Optional<String> mediaBaseUrl();
    }

    /** Where simulated WhatsApp users' messages are delivered (the gateway's Twilio webhook). */
    interface Gateway {
        @WithDefault("http://localhost:8080/webhooks/twilio/messages")
        String webhookUrl();

        @WithDefault("15s")
        Duration webhookTimeout();
    }

    /** Maple AI (OpenAI-compatible) stand-in. */
    interface Maple {
        @WithDefault("sandbox-maple-key")
        String apiKey();

        @WithDefault("llama-3.3-70b")
        String model();

        /** The speech-to-text model {@code POST /v1/audio/transcriptions} accepts (Maple serves Whisper). */
        @WithDefault("whisper-large-v3")
        String transcriptionModel();

        /** The text-to-speech model {@code POST /v1/audio/speech} accepts (ai-support's default). */
        @WithDefault("tts-1")
        String speechModel();
    }
}
