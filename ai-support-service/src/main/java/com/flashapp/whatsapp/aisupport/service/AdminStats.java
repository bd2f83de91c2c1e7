package com.flashapp.whatsapp.aisupport.service;

import java.time.Instant;

/**
 * ai-support's part of an admin's {@code admin stats}: how the questions of a period were answered and the feedback
 * received in it.
 *
 * @param questions   every question that reached us (answered or throttled)
 * @param maple       answered by Maple AI
 * @param faqOnly     the provider failed; answered with the best FAQ entry
 * @param degraded    the provider failed and no FAQ entry fitted; "can't answer now, contact support"
 * @param throttled   over the per-user limit; asked to wait
 * @param helpful     👍 received in the period
 * @param notHelpful  👎 received in the period
 */
public record AdminStats(Instant from, Instant to, long questions, long maple, long faqOnly, long degraded,
                         long throttled, long helpful, long notHelpful) {

    /** Questions that did not get a Maple answer. */
    public long fallbacks() {
        return faqOnly + degraded + throttled;
    }

    /** Share of questions not answered by Maple, 0..1; null without questions. */
    public Double fallbackRate() {
        return questions == 0 ? null : (double) fallbacks() / questions;
    }
}
