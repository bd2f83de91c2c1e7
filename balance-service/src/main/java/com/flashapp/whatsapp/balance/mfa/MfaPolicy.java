package com.flashapp.whatsapp.balance.mfa;

import com.flashapp.whatsapp.balance.config.BalanceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;

/**
 * The risk-based MFA guard: decides whether an operation may go ahead on the current session or needs a fresh
 * one-time code. Rules, in order: no verified session; session idle too long; session too old; then, for money
 * movement only, amount at or above the threshold, a new recipient, and the day's total going over the limit.
 * Thresholds are config ({@code balance.mfa.*}); every decision carries its reason for the audit log.
 */
@ApplicationScoped
public class MfaPolicy {

    private final Duration sessionIdle;
    private final Duration sessionAbsolute;
    private final long amountThresholdCents;
    private final long dailyTotalCents;

    @Inject
    public MfaPolicy(BalanceConfig config) {
        this(config.mfa().sessionIdle(), config.mfa().sessionAbsolute(), config.mfa().amountThresholdCents(),
                config.mfa().dailyTotalCents());
    }

    public MfaPolicy(Duration sessionIdle, Duration sessionAbsolute, long amountThresholdCents, long dailyTotalCents) {
        this.sessionIdle = sessionIdle;
        this.sessionAbsolute = sessionAbsolute;
        this.amountThresholdCents = amountThresholdCents;
        this.dailyTotalCents = dailyTotalCents;
    }

    /**
     * What the user wants to do. {@code FIND_BY_PHONE}: look up whether a phone number has Flash (a send to a
     * number, a payment request from a number) — allowed on a verified session only, like a financial read.
     */
    public enum Operation { READ_BALANCE, READ_HISTORY, FIND_BY_PHONE, SEND_MONEY }

    /** The user's session: when they last gave a correct code and when they were last active (both nullable). */
    public record Session(Instant verifiedAt, Instant lastActivityAt) {
    }

    /**
     * Money movement facts; {@code amountUsdCents} is the amount in US cents, {@code sentTodayUsdCents} what
     * the user already sent today.
     */
    public record Movement(long amountUsdCents, boolean newRecipient, long sentTodayUsdCents) {
    }

    /** ALLOW, or STEP_UP (ask for a code), with a short reason code. */
    public record Decision(Outcome outcome, String reason) {

        public enum Outcome { ALLOW, STEP_UP }

        public boolean allowed() {
            return outcome == Outcome.ALLOW;
        }

        static Decision allow(String reason) {
            return new Decision(Outcome.ALLOW, reason);
        }

        static Decision stepUp(String reason) {
            return new Decision(Outcome.STEP_UP, reason);
        }
    }

    /** A financial read (balance, history). */
    public Decision evaluate(Operation operation, Session session, Instant now) {
        return evaluate(operation, session, null, now);
    }

    /** Any operation; {@code movement} is required for {@link Operation#SEND_MONEY}. */
    public Decision evaluate(Operation operation, Session session, Movement movement, Instant now) {
        if (session == null || session.verifiedAt() == null) {
            return Decision.stepUp("no_verified_session");
        }
        var lastActivity = session.lastActivityAt() != null ? session.lastActivityAt() : session.verifiedAt();
        if (Duration.between(lastActivity, now).compareTo(sessionIdle) > 0) {
            return Decision.stepUp("session_idle_over_" + sessionIdle.toMinutes() + "m");
        }
        if (Duration.between(session.verifiedAt(), now).compareTo(sessionAbsolute) > 0) {
            return Decision.stepUp("session_older_than_" + sessionAbsolute.toHours() + "h");
        }
        if (operation != Operation.SEND_MONEY) {
            return Decision.allow("verified_session");
        }
        if (movement == null) {
            return Decision.stepUp("movement_unknown");
        }
        if (movement.amountUsdCents() >= amountThresholdCents) {
            return Decision.stepUp("amount_at_or_over_" + amountThresholdCents + "c");
        }
        if (movement.newRecipient()) {
            return Decision.stepUp("new_recipient");
        }
        if (movement.sentTodayUsdCents() + movement.amountUsdCents() > dailyTotalCents) {
            return Decision.stepUp("daily_total_over_" + dailyTotalCents + "c");
        }
        return Decision.allow("verified_session_low_risk");
    }
}
