package com.flashapp.whatsapp.aisupport.repository;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One answered (or throttled) question, without personal data: the user ref (a keyed hash), the redacted question,
 * how it was answered, latency, tokens and retrieval scores.
 */
public record Interaction(
        String answerId,
        String userRef,
        Instant createdAt,
        Source source,
        long latencyMs,
        int promptTokens,
        int completionTokens,
        Double topScore,
        List<String> faqIds,
        List<Double> scores,
        String questionRedacted) {

    /** Who produced the answer. */
    public enum Source {
        /** Maple AI, grounded in FAQ passages. */
        AI,
        /** The provider failed: the best FAQ answer, marked as automatic. */
        KB_FALLBACK,
        /** The provider failed and no FAQ entry matched well: "can't answer now, here is support". */
        UNAVAILABLE,
        /** Over the per-user limit: not answered. */
        THROTTLED,
        /** The user has not agreed to Maple AI (or declined it): the best FAQ answer, from the help notes alone. */
        FAQ,
        /** As {@link #FAQ}, but no FAQ entry matched well: "not in the help notes, here is support". */
        FAQ_MISS;

        public String db() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean isFallback() {
            return this == KB_FALLBACK || this == UNAVAILABLE;
        }
    }
}
