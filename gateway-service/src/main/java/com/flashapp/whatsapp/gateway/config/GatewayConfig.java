package com.flashapp.whatsapp.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything the gateway can be tuned with; keys under {@code gateway.*} (see application.properties). */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /**
     * The public base URL Twilio calls (scheme, host, port, path prefix of the ingress). Signatures are checked
     * against this URL, never the internal host a proxy forwards to.
     */
    @WithDefault("http://localhost:8080")
    String publicBaseUrl();

    /** Key of the keyed hash that turns a WhatsApp number into a {@code userRef}. Prod: from a secret. */
    String userRefKey();

    /** How long a webhook may wait for the broker's publisher confirm before it goes to the spool instead. */
    @WithDefault("2s")
    Duration publishTimeout();

    /** Where webhooks go while the broker cannot take them. */
    Spool spool();

    /**
     * The spool: a Redis stream ({@code <prefix>spool}) of webhook messages the broker could not confirm in time,
     * relayed to the broker in order once it is back. Redis must persist it (AOF) in production.
     */
    interface Spool {
        /** Spool at all (off: a webhook the broker cannot take is answered 503, as before the spool). */
        @WithDefault("true")
        boolean enabled();

        /** How often each replica looks at the spool's depth and, holding the relay lock, relays it. */
        @WithDefault("500ms")
        Duration relayInterval();

        /** Messages read from the spool per relay round. */
        @WithDefault("200")
        int batch();

        /** How long one replica holds the relay lock without renewing it (a dead replica's lock expires). */
        @WithDefault("15s")
        Duration lockTtl();
    }

    Twilio twilio();

    Inbound inbound();

    RateLimit rateLimit();

    Flash flash();

    Media media();

    Redis redis();

    /** Twilio account settings. */
    interface Twilio {
        /** The account's primary auth token; it signs {@code X-Twilio-Signature}. */
        String authToken();

        /** Further tokens accepted during a rotation (the secondary token, or the old one). */
        Optional<List<String>> extraAuthTokens();

        /** How long a MessageSid is remembered; longer than Twilio's retry horizon. */
        @WithDefault("48h")
        Duration dedupTtl();

        /** How long a claim on a MessageSid lives while its publish is in flight (crash safety). */
        @WithDefault("30s")
        Duration inFlightTtl();
    }

    /** Limits on what a webhook may carry. */
    interface Inbound {
        /** Bodies longer than this (in code points) are cut, and flagged {@code bodyTruncated}. */
        @WithDefault("4096")
        int maxBodyChars();

        /**
         * A form body larger than this is answered 413 before anything is parsed or verified: by the size filter
         * from {@code Content-Length} before the body is read, else from the bytes read.
         */
        @WithDefault("65536")
        int maxFormBytes();

        /** Other free-text fields (profile name, button text, address) are cut to this length. */
        @WithDefault("256")
        int maxFieldChars();
    }

    /** Per-sender token bucket. */
    interface RateLimit {
        /** Messages a sender may send at once (bucket capacity). */
        @WithDefault("10")
        int burst();

        /** Sustained messages per minute (refill rate). */
        @WithDefault("30")
        int perMinute();

        /** At most one "slow down" reply per sender per this window. */
        @WithDefault("1m")
        Duration noticeWindow();

        /** The friendly reply a sender over the limit gets. */
        @WithDefault("You're sending messages faster than I can keep up with. Please wait a minute, then try again.")
        String noticeText();
    }

    /** Flash account webhooks (Svix-signed callbacks). */
    interface Flash {
        /** The endpoint's Svix signing secret ({@code whsec_<base64>}). */
        String webhookSecret();

        /** Svix timestamps older or newer than this are refused (replay protection). */
        @WithDefault("5m")
        Duration timestampTolerance();

        /** How long a transaction id is remembered. */
        @WithDefault("7d")
        Duration dedupTtl();

        /** A callback body larger than this is answered 413 before the signature is computed or JSON parsed. */
        @WithDefault("65536")
        int maxBodyBytes();
    }

    /** Images other services hand over ({@code gateway.media}) and the signed URLs they are served at. */
    interface Media {
        /** HMAC key signing {@code /media/{id}?exp=…&sig=…}; producers sign with the same key. Prod: from a secret. */
        String signingKey();

        /** Largest image (decoded bytes) the store accepts; larger requests go to the dead-letter queue. */
        @WithDefault("1048576")
        int maxBytes();

        /** Latest expiry a store request may ask for, from now; later ones are refused (nothing lives for ever). */
        @WithDefault("24h")
        Duration maxTtl();

        /**
         * How long {@code GET /media/{id}} with a valid, unexpired signature waits for an image that is not stored
         * yet (Twilio may fetch the URL just before the store message is consumed) before answering 404.
         */
        @WithDefault("3s")
        Duration awaitMissing();

        /** How often Redis is asked again while waiting for a missing image. */
        @WithDefault("100ms")
        Duration awaitPollInterval();
    }

    /** Redis keys. */
    interface Redis {
        /** Every key the gateway writes starts with this prefix. */
        @WithDefault("gateway:")
        String keyPrefix();
    }
}
