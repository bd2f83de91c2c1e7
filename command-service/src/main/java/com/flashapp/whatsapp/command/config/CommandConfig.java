package com.flashapp.whatsapp.command.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything command-service lets an operator tune: parsing defaults, fuzzy matching, expectations, admin. */
@ConfigMapping(prefix = "command")
public interface CommandConfig {

    Parser parser();

    Fuzzy fuzzy();

    Expectations expectations();

    Admin admin();

    Status status();

    Retention retention();

    Intent intent();

    Handoff handoff();

    /** Human handoff (issue 23): who the support agents are. Tickets themselves are ai-support-service's. */
    interface Handoff {
        /**
         * The support agents' WhatsApp numbers, E.164 (env SUPPORT_AGENTS, comma separated; the same list as
         * ai-support-service's {@code app.support.handoff.agents}). Only these numbers can use the agent commands
         * ({@code tickets}, {@code take <n>}, {@code done}); to anyone else they are ordinary words. None by default.
         */
        Optional<List<String>> agents();
    }

    /**
     * The intent layer: natural messages the typed parser cannot read. Thresholds apply to the semantic matcher's
     * best cosine similarity; they were chosen from the examples part of the dataset (see the README).
     */
    interface Intent {
        /** Load the sentence-embedding model (about 90 MB off-heap); off = the rules alone. */
        @WithDefault("true")
        boolean semantic();

        /** A label at least this similar, and {@link #margin()} ahead of the next, is acted on. */
        @WithDefault("0.72")
        double sure();

        /** The lead over the second label needed to act. */
        @WithDefault("0.04")
        double margin();

        /** At least this similar: "Did you mean …?"; below: not an action (AI support). */
        @WithDefault("0.40")
        double unsure();

        /** "My replies are in English for now" is said to a Spanish writer once in this period. */
        @WithDefault("P30D")
        Duration noticeTtl();
    }

    /** How long rows are kept: data has a lifetime. */
    interface Retention {
        /** Usage telemetry rows older than this are deleted. */
        @WithDefault("P90D")
        Duration telemetry();

        /** Inbox entries (seen message ids) older than this are deleted; far beyond any broker redelivery. */
        @WithDefault("P7D")
        Duration inbox();

        /** Counted phrasings the intent layer missed (redacted, per day) older than this are deleted. */
        @WithDefault("P30D")
        Duration intentPhrases();

        /**
         * A user who is not linked and not blocked, unseen for this long, is forgotten (their conversation_user row:
         * phone lookup hash, username, counts). Linked users stay while linked (command must know who is linked).
         */
        @WithDefault("P180D")
        Duration inactiveUsers();

        /** Closed handoff routes (kept so a late, older route cannot reopen a ticket) older than this are deleted. */
        @WithDefault("P1D")
        Duration handoffRoutes();

        /** How often the purge runs (read by the scheduler as {@code ${command.retention.every}}). */
        @WithDefault("1h")
        String every();
    }

    /** How amounts and phone numbers without a unit or country are read. */
    interface Parser {
        /** The unit of an amount typed without one ("receive 10"): Flash's main wallet is the USD (Cash) wallet. */
        @WithDefault("USD")
        String defaultUnit();

        /** Country calling code added to a 10-digit national number (North American Numbering Plan). */
        @WithDefault("1")
        String defaultCountryCode();

        /** Locale sent with support questions and link requests when nothing better is known. */
        @WithDefault("en")
        String defaultLocale();
    }

    /** "Did you mean …?" when nothing matched exactly (Jaro-Winkler similarity from Apache Commons Text). */
    interface Fuzzy {
        /** Minimum similarity (0..1) for a command word to be suggested. */
        @WithDefault("0.84")
        double threshold();

        /** A best candidate this far ahead of the second one is "one clear best candidate". */
        @WithDefault("0.05")
        double clearMargin();

        /** At most this many candidates in the numbered list. */
        @WithDefault("3")
        int maxSuggestions();

        /** Longer messages are questions, not mistyped commands: they go to AI support. */
        @WithDefault("4")
        int maxWords();

        /** Command words shorter than this are never fuzzy-matched. */
        @WithDefault("3")
        int minLength();
    }

    /** Expectations: what the user's next reply answers. */
    interface Expectations {
        /** Upper bound on how long an owner's expectation is kept, whatever its expiresAt says. */
        @WithDefault("PT15M")
        Duration maxTtl();

        /** How long command-service's own follow-ups ("Did you mean…? Reply YES", numbered menus) stay open. */
        @WithDefault("PT5M")
        Duration localTtl();

        /**
         * How long the expectation a message's first handling found is remembered, so that a retry or a redelivery
         * (after a crash, a lost connection) reads the conversation as the first attempt did. Longer than a service
         * takes to come back after being killed.
         */
        @WithDefault("PT30M")
        Duration turnMemory();
    }

    /** Admin commands: configured numbers, each verified with its own TOTP code (RFC 6238). */
    interface Admin {
        /**
         * The admins, each {@code +E164:BASE32SECRET} (env COMMAND_ADMIN_ACCOUNTS, comma separated, from a Secret):
         * a number allowed to use admin commands and the TOTP secret of that admin's authenticator app. One secret
         * per admin, so removing one admin revokes exactly that admin. None by default.
         */
        Optional<List<String>> accounts();

        /** Wrong or replayed codes from one admin within {@link #failureWindow()} before the admin is locked out. */
        @WithDefault("5")
        int maxFailures();

        /** How long failures are counted. */
        @WithDefault("PT15M")
        Duration failureWindow();

        /** How long a locked-out admin cannot open a session (every code refused meanwhile). */
        @WithDefault("PT30M")
        Duration lockout();

        /** How long a verified admin session lasts. */
        @WithDefault("PT15M")
        Duration sessionTtl();

        /** TOTP time steps accepted either side of now (clock drift). */
        @WithDefault("1")
        int totpWindow();

        /**
         * A used code's time step is remembered (so that code, or an older one, is refused) for the whole accepted
         * window, (2 x totp-window + 1) x 30 s, plus this margin for clock differences between replicas.
         */
        @WithDefault("PT30S")
        Duration usedCodeMargin();

        /** Key of the HMAC that lets "admin user +1876…" find a user without storing the number. */
        String lookupKey();
    }

    /** Where "admin status" looks. */
    interface Status {
        /** Service name -> readiness URL. */
        Map<String, String> services();

        /** RabbitMQ management API base URL. */
        @WithDefault("http://localhost:15672")
        String managementUrl();

        @WithDefault("guest")
        String managementUsername();

        /** The broker's password (rabbitmq-password); empty only where ProductionSecrets has already refused it. */
        Optional<String> managementPassword();

        /** Virtual host whose queues are shown. */
        @WithDefault("/")
        String virtualHost();

        /** Time allowed for each status call. */
        @WithDefault("PT2S")
        Duration timeout();
    }
}
