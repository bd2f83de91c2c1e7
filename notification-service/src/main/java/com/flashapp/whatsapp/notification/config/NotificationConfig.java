package com.flashapp.whatsapp.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything notification-service can be tuned with ({@code app.*} in application.properties). */
@ConfigMapping(prefix = "app")
public interface NotificationConfig {

    Messaging messaging();

    Twilio twilio();

    Relay relay();

    Window window();

    Templates templates();

    Buttons buttons();

    Notifications notifications();

    Retention retention();

    AddressKey addressKey();

    Erasure erasure();

    Admin admin();

    Consent consent();

    /** Broker consumers (the channels in application.properties use these). */
    interface Messaging {
        /** Deliveries of one message before its quorum queue dead-letters it. */
        @WithDefault("5")
        int maxDeliveries();

        /** Unacknowledged messages a consumer holds at once. */
        @WithDefault("32")
        int prefetch();

        /**
         * Unacknowledged messages the whatsapp.outbound consumer holds at once: also the largest group it stores in
         * one statement while the previous group is written.
         */
        @WithDefault("256")
        int outboundPrefetch();
    }

    /** The Twilio Messages API (the sandbox's simulator in dev and test). */
    interface Twilio {
        /** Replaces {@code https://api.twilio.com} in every request twilio-java builds. */
        @WithDefault("http://localhost:8089")
        String baseUrl();

        @WithDefault("AC00000000000000000000000000000000")
        String accountSid();

        String authToken();

        /** Our WhatsApp sender, {@code whatsapp:+E164}. */
        @WithDefault("whatsapp:+14155238886")
        String from();

        /** Where Twilio posts delivery status: the gateway's status webhook. */
        @WithDefault("http://localhost:8080/webhooks/twilio/status")
        String statusCallback();

        @WithDefault("5s")
        Duration connectTimeout();

        @WithDefault("15s")
        Duration requestTimeout();
    }

    /** The outbox relay: how fast and how hard it sends (the throughput knobs). */
    interface Relay {
        /** Off only to hold messages (tests, maintenance); stored messages wait and go out when it is on again. */
        @WithDefault("true")
        boolean enabled();

        /** Most messages claimed by one claim query, and most acceptances recorded by one statement. */
        @WithDefault("100")
        int batchSize();

        /**
         * Messages in flight at once (claimed, being sent or recorded), each on its own sender thread; at most one
         * per recipient, so this is also how many recipients are served in parallel.
         */
        @WithDefault("64")
        int concurrency();

        /**
         * A sender thread idle this long ends; threads are added only while every one is busy, up to
         * {@link #concurrency()}.
         */
        @WithDefault("60s")
        Duration senderIdle();

        /**
         * Free lanes (finished sends) that make the relay claim again at once; fewer are claimed for together after
         * {@link #claimDelay()}, so a busy relay runs one claim query per group of finished sends, not per message.
         */
        @WithDefault("8")
        int claimThreshold();

        /** Longest a finished send waits for the claim of its recipient's next message. */
        @WithDefault("5ms")
        Duration claimDelay();

        /** Messages per second per WhatsApp sender; keep under the sender's throughput limit. */
        @WithDefault("70")
        double ratePerSecond();

        /**
         * The sender pool: each entry {@code whatsapp:+E164} (a WhatsApp sender) or {@code MG…} (a Twilio Messaging
         * Service, which picks a number of its own), optionally followed by {@code =<messages per second>} (else
         * {@link #ratePerSecond()}). Each recipient is kept on one sender (weighted rendezvous hashing of their
         * number), and each sender is paced on its own. Unset or empty: a pool of one, {@code app.twilio.from}.
         */
        Optional<List<String>> senders();

        /**
         * After Twilio's 429 (20429 or 63018) for a sender: how long that sender sends nothing when Twilio gave no
         * {@code Retry-After}. Its rate is also halved (down to one message a second), see {@link #rateRecovery()}.
         */
        @WithDefault("1s")
        Duration rateLimitedPause();

        /** A slowed sender's rate doubles back towards its configured rate after each such period without a 429. */
        @WithDefault("2s")
        Duration rateRecovery();

        /**
         * How long a message is worth sending, by kind, counted from when this service stored it: a retryable error
         * (5xx, 429, a connection failure or time-out) is retried until then, and a message still unsent when its
         * lifetime ends (or whose next try would fall after it) is marked failed with the reason {@code expired}.
         */
        Lifetime lifetime();

        /** First wait after a retryable error; doubled after each further one, up to {@link #backoffMax()}. */
        @WithDefault("500ms")
        Duration backoffInitial();

        /** Longest wait between two tries of one message (unless Twilio's Retry-After asks for longer). */
        @WithDefault("30s")
        Duration backoffMax();

        /** Random spread of each backoff, as a fraction (0.2 = plus or minus 20%). */
        @WithDefault("0.2")
        double backoffJitter();

        /** How often the relay looks for due messages besides being woken by each store. */
        @WithDefault("1s")
        Duration pollInterval();

        /** How often expired sending leases are checked. */
        @WithDefault("30s")
        Duration leaseCheckInterval();

        /** How often the backlog gauges are refreshed. */
        @WithDefault("5s")
        Duration metricsInterval();

        /** A message left in {@code sending} longer than this (the relay died mid-send) is queued again. */
        @WithDefault("2m")
        Duration sendingLease();

        /**
         * Messages claimed since the outbox was last vacuumed that make the relay vacuum it at its next
         * {@code app.relay.vacuum-interval} ("off" disables the job): every message is inserted into the relay's
         * queue table and deleted from it, and until a vacuum removes the dead rows every per-recipient lookup steps
         * over them (without it, sends/s fell from ~1,000 to ~300 within a minute on the benchmark). Autovacuum's
         * default minute between runs is too slow for a queue table, and some servers run without it. The queue
         * holds only unsent messages, so its vacuum is cheap; the message records are vacuumed in the same run (their
         * updates are HOT, so that is mostly a pass over the pages written since the last one). Each run analyzes the
         * tables too, and after a start the first runs come sooner (500 claims, then twice as many each time), so the
         * plans of a young outbox's prepared statements are renewed as it grows.
         */
        @WithDefault("10000")
        int vacuumAfter();

        /**
         * How often this relay replica says it is alive and counts the others, which divide each sender's pace
         * between them (a duration; a replica not seen for three is dropped), or "off": each replica paces every
         * sender at the full rate on its own. See {@code RelayReplicas}.
         */
        @WithDefault("5s")
        String replicaHeartbeat();

        /** How often the relay considers vacuuming the outbox table (a duration, or "off"). */
        @WithDefault("3s")
        String vacuumInterval();

        /**
         * The relay's vacuum pauses this long each time it has done PostgreSQL's {@code vacuum_cost_limit} worth of
         * page work, as autovacuum does (2 ms is autovacuum's default), so it spreads over a second or two instead of
         * taking a core in one burst; 0 runs it at full speed. At full speed each vacuum showed as a second with
         * most sends over 50 ms (the benchmark's worst seconds, every 10-12 s); with no vacuum in a run's measured
         * phase the p99 was 39 ms.
         */
        @WithDefault("2ms")
        Duration vacuumCostDelay();
    }

    /** How long a message of each kind ({@code whatsapp.outbound} routing key) is worth sending. */
    interface Lifetime {
        /**
         * An answer to something the user just wrote (and anything of an unknown kind). Ten minutes is also how long
         * a link code is valid (balance-service {@code balance.link.code-ttl}): a later "reply with the code" is no
         * use.
         */
        @WithDefault("10m")
        Duration reply();

        /** A payment notification: still worth knowing hours later. */
        @WithDefault("12h")
        Duration notification();

        /** An approved template (a notification resent outside the 24-hour window, or sent as one). */
        @WithDefault("12h")
        Duration template();
    }

    /** The WhatsApp customer-service window. */
    interface Window {
        @WithDefault("24h")
        Duration duration();
    }

    /** Approved WhatsApp templates: template key (e.g. payment_received) to Twilio ContentSid (HX...). */
    interface Templates {
        Map<String, String> contentSids();
    }

    /**
     * Quick replies as real WhatsApp buttons (session Content templates created through Twilio's Content API, one
     * per button set, cached in PostgreSQL). Off, or outside the window, they go out as numbered text.
     */
    interface Buttons {
        /** Send quick replies as buttons inside a known-open 24-hour window. */
        @WithDefault("true")
        boolean enabled();

        /** The Content template's language. */
        @WithDefault("en")
        String language();

        /** The label of the button that opens a list picker (4–10 options); WhatsApp allows 20 characters. */
        @WithDefault("Choose")
        String listButton();
    }

    /** Payment notifications and preferences. */
    interface Notifications {
        /** Formatting locale for amounts (BCP 47). */
        @WithDefault("en-JM")
        String locale();

        /** Time zone for quiet hours and digests until the user sets one. */
        @WithDefault("America/Jamaica")
        String defaultTimeZone();

        /** How often held notifications (quiet hours over, digest due) are released. */
        @WithDefault("30s")
        Duration flushInterval();

        /** Local time (user's zone) the daily digest goes out, HH:mm. */
        @WithDefault("18:00")
        String dailyDigestAt();

        /** Most payments listed one by one in a digest; the rest are counted. */
        @WithDefault("10")
        int digestMaxLines();
    }

    /** How long data is kept. */
    interface Retention {
        /** Inbox entries (message ids seen); longer than any redelivery. */
        @WithDefault("7d")
        Duration inbox();

        /** Text and number of a finished message; state and history stay. */
        @WithDefault("30d")
        Duration messageContent();

        /** A finished message's whole record (state, steps, Twilio sid): then it is gone. */
        @WithDefault("180d")
        Duration messageRows();

        /** Payment notifications (amount, counterparty, memo) no longer held for quiet hours or a digest. */
        @WithDefault("90d")
        Duration payments();

        /** When a user last wrote: only the last 24 hours matter (the customer-service window). */
        @WithDefault("30d")
        Duration inboundWindow();

        @WithDefault("1h")
        Duration interval();

        /**
         * A consent record superseded by a newer choice of the same user is kept this long (proof of what was
         * agreed when); the latest record of each user stays until "delete my data".
         */
        @WithDefault("730d")
        Duration consentHistory();
    }

    /** Opt-in to payment notifications, asked once after linking ({@code service.ConsentService}). */
    interface Consent {
        /** Version of the question's wording, recorded with every choice; change it with the wording. */
        @WithDefault("2026-12-v1")
        String wordingVersion();

        /** How long the question waits for an answer; no answer means no notifications. */
        @WithDefault("30m")
        Duration answerTtl();
    }

    /** "delete my data" (see {@code service.ErasureService}). */
    interface Erasure {
        /** How often sent erasure confirmations lose their number and text (a scheduler duration). */
        @WithDefault("5s")
        String redactEvery();
    }

    /** AES-GCM keys for the WhatsApp addresses of linked accounts at rest ({@code repository.AddressCipher}). */
    interface AddressKey {
        /** Key id -> base64 AES key (16/24/32 bytes). Older ids stay until the job has moved every row. */
        Map<String, String> keys();

        /** The key id new values use. */
        String activeId();

        /** How often rows in clear or under an older key are (re-)encrypted (a scheduler duration). */
        @WithDefault("1h")
        String reEncryptEvery();
    }

    /** Answers to a verified admin's {@code admin stats} and {@code admin user} (asked through command-service). */
    interface Admin {
        /** How far back {@code admin user} counts the user's messages. */
        @WithDefault("7d")
        Duration userActivityWindow();

        /** Error codes of failed or undelivered messages listed in {@code admin stats}, most frequent first. */
        @WithDefault("3")
        int topErrorCodes();
    }
}
