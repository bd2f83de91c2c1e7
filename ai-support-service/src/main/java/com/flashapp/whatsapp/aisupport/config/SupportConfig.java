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

        /** How often the job runs (a scheduler duration). */
        @WithDefault("1h")
        String every();
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
}
