package com.flashapp.whatsapp.aisupport.service;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The operators' figures for a period (also the data behind {@code admin stats}). Rates are 0..1 and null when
 * there is nothing to divide by; latencies in milliseconds over answered questions.
 */
public record SupportReport(
        Instant from,
        Instant to,
        long questions,
        long answered,
        long throttled,
        long aiAnswers,
        long fallbackAnswers,
        Double fallbackRate,
        Long latencyP50Ms,
        Long latencyP95Ms,
        long promptTokens,
        long completionTokens,
        long feedbackCount,
        Double helpfulRate,
        List<Day> answersPerDay,
        List<Unanswered> topUnanswered,
        List<TopEntry> topFaqEntries) {

    public record Day(LocalDate day, long answers, long fallbacks) {
    }

    /** A question (redacted) whose best FAQ score stayed below the "unanswered" threshold. */
    public record Unanswered(String question, long count, Double bestScore) {
    }

    /** An FAQ entry by how often it was the best match of an answer. */
    public record TopEntry(String faqId, long answers, Long helpful, Long notHelpful) {
    }
}
