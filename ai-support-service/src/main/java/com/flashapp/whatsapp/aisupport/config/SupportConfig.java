package com.flashapp.whatsapp.aisupport.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Everything tunable about answering: provider, retrieval, memory, throttling, FAQ source, admin access. */
@ConfigMapping(prefix = "app.support")
public interface SupportConfig {

    Maple maple();

    Retrieval retrieval();

    Answer answer();

    Memory memory();

    Throttle throttle();

    Faq faq();

    Feedback feedback();

    Retention retention();

    Voice voice();

    Handoff handoff();
    AiConsent aiConsent();
    Media media();

    /** Token required in {@code X-Admin-Token} by the operator endpoints (report, FAQ reload). */
    String adminToken();

    /** Maple AI (maple-proxy, OpenAI-compatible). The base URL is {@code quarkus.rest-client.maple.url}. */
    interface Maple {
        /** Sent as {@code Authorization: Bearer}; maple-proxy forwards it to the enclave. */
        String apiKey();

        @WithDefault("llama-3.3-70b")
        String model();

        @WithDefault("0.2")
        double temperature();

        /** Completion budget; WhatsApp answers are short. */
        @WithDefault("300")
        int maxTokens();
    }

    interface Retrieval {
        /** FAQ passages put into the prompt. */
        @WithDefault("3")
        int topK();

        /** Minimum cosine score for the fallback to answer straight from the FAQ. */
        @WithDefault("0.55")
        double fallbackThreshold();

        /** Below this best score a question counts as "unanswered" in the report. */
        @WithDefault("0.45")
        double unansweredThreshold();

        /** Minimum score for a passage to be given to the model at all. */
        @WithDefault("0.30")
        double passageThreshold();
    }

    interface Answer {
        /** Longest answer sent on WhatsApp (characters); longer model output is cut at a sentence. */
        @WithDefault("700")
        int maxChars();

        /** How users reach a human. */
        @WithDefault("email support@flashapp.me or use Help > Contact support in the Flash app")
        String supportContact();

        /**
         * Hosts (and their subdomains) an AI answer may link to besides those in the help notes: Flash's own. Any
         * other link in an AI answer is removed, as is any phone number the help notes do not have.
         */
        @WithDefault("flashapp.me")
        java.util.List<String> allowedHosts();
    }

    interface Memory {
        /** Idle time after which a conversation is forgotten. */
        @WithDefault("30M")
        Duration idleTtl();

        /** Token budget of the memory sent to the provider (oldest turns dropped first). */
        @WithDefault("600")
        int tokenBudget();

        /** Id of the active AES-GCM key, stored with each value so keys can rotate. */
        @WithDefault("dev-1")
        String keyId();

        /** Base64 AES key (16/24/32 bytes). From MEMORY_KEY (a dev key only in the dev, test and local profiles). */
        String key();
    }

    interface Throttle {
        /** Questions a user may ask per window. */
        @WithDefault("10")
        int maxQuestions();

        @WithDefault("10M")
        Duration window();
    }

    interface Faq {
        /** classpath:…, file:… or http(s)://… of the FAQ JSON. */
        @WithDefault("classpath:faq/faq-v1.json")
        String source();

        /** How often the scheduled job reloads the source (first run one period after start). */
        @WithDefault("1h")
        String reloadEvery();
    }

    /** Consent to answers from Maple AI, a third-party model ({@code service.AiConsentService}). */
    interface AiConsent {
        /** Version of the notice's wording, recorded with every choice; change it with the wording. */
        @WithDefault("2026-12-v1")
        String wordingVersion();

        /** How long the first answer's choice waits for a reply. */
        @WithDefault("30M")
        Duration expectationTtl();

        /** A choice superseded by a newer one of the same user is kept this long; the latest stays until erasure. */
        @WithDefault("730D")
        Duration history();
    }

    interface Feedback {
        /** How long the "helpful?" question waits for a 👍/👎. */
        @WithDefault("30M")
        Duration expectationTtl();
    }

    /** How long each table keeps its rows (see docs/data-lifecycle.md); enforced by {@code service.RetentionJob}. */
    interface Retention {
        /** Inbox entries: long after any redelivery could come. */
        @WithDefault("7D")
        Duration inbox();

        /** The redacted question text and feedback comments (for the "unanswered questions" report). */
        @WithDefault("30D")
        Duration text();

        /** Interaction and feedback rows (scores, sources, helpfulness: the report's numbers). */
        @WithDefault("180D")
        Duration rows();

        /** Closed support tickets and their transcript (handoff to a person). */
        @WithDefault("30D")
        Duration tickets();

        /** How often the job runs (a scheduler duration). */
        @WithDefault("1h")
        String every();
    }

    /** Handing a user over to a person (issue 23): who the agents are, when they are on duty, idle limits. */
    interface Handoff {
        /**
         * The support agents' WhatsApp numbers, E.164 (env SUPPORT_AGENTS, comma separated). Without any, a request
         * for a person is answered with {@link Answer#supportContact()} and no ticket is opened.
         */
        java.util.Optional<java.util.List<String>> agents();

        /** Days agents are on duty, e.g. {@code MON-FRI} or {@code MON,TUE,SAT}. */
        @WithDefault("MON-FRI")
        String days();

        /** Start of the agents' day ({@code HH:mm}, in {@link #zone()}). */
        @WithDefault("09:00")
        String opens();

        /** End of the agents' day ({@code HH:mm}; {@code 24:00} for midnight). */
        @WithDefault("17:00")
        String closes();

        /** Time zone of the hours (and of how they are shown to users). */
        @WithDefault("America/Jamaica")
        String zone();

        /** An assigned ticket with no message from either side for this long closes itself. */
        @WithDefault("30M")
        Duration idleClose();

        /** A waiting ticket (nobody took it) closes itself after this long without a message from the user. */
        @WithDefault("24H")
        Duration waitingClose();

        /** How often the idle-close job runs (a scheduler duration). */
        @WithDefault("1m")
        String idleEvery();

        /** Turns of the AI conversation (user and AI, redacted) shown to the agent who gets a ticket. */
        @WithDefault("6")
        int summaryTurns();

        /** Two AI answers marked 👎 within this window (and since the user's last ticket) open a ticket. */
        @WithDefault("30M")
        Duration unhelpfulWindow();
    }

    /** Voice notes: download from Twilio, limits, transcription through Maple (issue 21). */
    interface Voice {
        /** Largest voice note downloaded (bytes); WhatsApp's own media limit is 16 MB. */
        @WithDefault("16777216")
        long maxBytes();

        /** Longest voice note transcribed (read from the Ogg/Opus file); longer ones are refused kindly. */
        @WithDefault("2M")
        Duration maxDuration();

        /** Speech-to-text model sent to Maple's {@code /v1/audio/transcriptions} (real Maple: see MAPLE_AI.md). */
        @WithDefault("whisper-large-v3")
        String transcriptionModel();

        /** Longest transcript handed on (characters, as the gateway's body limit); longer ones are cut. */
        @WithDefault("4096")
        int maxTranscriptChars();

        /** Text-to-speech model sent to Maple's {@code /v1/audio/speech} (voice replies; unverified for real Maple). */
        @WithDefault("tts-1")
        String speechModel();

        /** The voice the speech model speaks with. */
        @WithDefault("alloy")
        String speechVoice();

        /** How long "voice on" is kept after it was last used (set, or read for an answer or a help text). */
        @WithDefault("180D")
        Duration preferenceIdleTtl();

        /** Longest text spoken (characters); a longer help text or answer is spoken up to a sentence end. */
        @WithDefault("700")
        int speechMaxChars();

        /** Media types accepted as voice (WhatsApp voice notes are {@code audio/ogg}, Opus). */
        @WithDefault("audio/ogg,audio/opus,audio/mpeg,audio/mp4,audio/aac,audio/wav,audio/webm")
        java.util.List<String> contentTypes();

        Twilio twilio();

        /**
         * Twilio's media API: Basic auth with the account SID and auth token, sent only to media URLs under
         * {@code <baseUrl>/2010-04-01/Accounts/<accountSid>/Messages/} — whatever a message says, the credentials go
         * nowhere else.
         */
        interface Twilio {
            /** Twilio's API ({@code https://api.twilio.com} in prod; the sandbox by default, as notification's). */
            @WithDefault("http://localhost:8089")
            String baseUrl();

            @WithDefault("AC00000000000000000000000000000000")
            String accountSid();

            /**
             * {@code TWILIO_AUTH_TOKEN} from the service's Secret; the sandbox's documented token only in the dev,
             * test and local profiles (application.properties), refused in production by {@code ProductionSecrets}.
             */
            String authToken();
        }
    }

    /**
     * Voice replies are served by the gateway at a signed URL ({@code MediaStoreRequest} on {@code gateway.media}),
     * as balance-service's invoice QR images are.
     */
    interface Media {
        /** The gateway's public URL ({@code GATEWAY_PUBLIC_BASE_URL}); Twilio fetches the audio from it. */
        @WithDefault("http://localhost:8080")
        String publicBaseUrl();

        /** The gateway's {@code gateway.media.signing-key} ({@code GATEWAY_MEDIA_SIGNING_KEY}, a secret in prod). */
        String signingKey();

        /**
         * How long the gateway keeps a voice reply and its URL is valid: only as long as Twilio needs to fetch it
         * (data minimisation; docs/data-lifecycle.md).
         */
        @WithDefault("10M")
        Duration ttl();
    }
}
