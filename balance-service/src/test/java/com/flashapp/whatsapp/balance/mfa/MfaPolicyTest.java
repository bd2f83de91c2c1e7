package com.flashapp.whatsapp.balance.mfa;

import com.flashapp.whatsapp.balance.mfa.MfaPolicy.Movement;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy.Operation;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy.Session;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MfaPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    final MfaPolicy policy = new MfaPolicy(Duration.ofMinutes(15), Duration.ofHours(24), 5_000, 20_000);

    static Session verifiedMinutesAgo(long verified, long active) {
        return new Session(NOW.minus(Duration.ofMinutes(verified)), NOW.minus(Duration.ofMinutes(active)));
    }

    @Test
    void withoutAVerifiedSessionAReadNeedsACode() {
        var decision = policy.evaluate(Operation.READ_BALANCE, new Session(null, null), NOW);
        assertFalse(decision.allowed());
        assertEquals("no_verified_session", decision.reason());
    }

    @Test
    void aRecentSessionAllowsReads() {
        assertTrue(policy.evaluate(Operation.READ_BALANCE, verifiedMinutesAgo(60, 14), NOW).allowed());
        assertTrue(policy.evaluate(Operation.READ_HISTORY, verifiedMinutesAgo(5, 5), NOW).allowed());
    }

    @Test
    void aPhoneNumberIsLookedUpOnlyOnAVerifiedSession() {
        assertTrue(policy.evaluate(Operation.FIND_BY_PHONE, verifiedMinutesAgo(30, 2), NOW).allowed());
        assertFalse(policy.evaluate(Operation.FIND_BY_PHONE, new Session(null, null), NOW).allowed());
        assertFalse(policy.evaluate(Operation.FIND_BY_PHONE, verifiedMinutesAgo(20, 16), NOW).allowed());
        assertFalse(policy.evaluate(Operation.FIND_BY_PHONE, verifiedMinutesAgo(24 * 60 + 1, 1), NOW).allowed());
    }

    @Test
    void anIdleSessionNeedsACode() {
        var decision = policy.evaluate(Operation.READ_BALANCE, verifiedMinutesAgo(20, 16), NOW);
        assertFalse(decision.allowed());
        assertTrue(decision.reason().startsWith("session_idle"));
    }

    @Test
    void anOldSessionNeedsACodeEvenWhenActive() {
        var decision = policy.evaluate(Operation.READ_BALANCE, verifiedMinutesAgo(24 * 60 + 1, 1), NOW);
        assertFalse(decision.allowed());
        assertTrue(decision.reason().startsWith("session_older_than"));
    }

    @Test
    void aLargeAmountNeedsACode() {
        var decision = policy.evaluate(Operation.SEND_MONEY, verifiedMinutesAgo(1, 1), new Movement(5_000, false, 0), NOW);
        assertFalse(decision.allowed());
        assertTrue(decision.reason().startsWith("amount_at_or_over"));
        assertTrue(policy.evaluate(Operation.SEND_MONEY, verifiedMinutesAgo(1, 1), new Movement(4_999, false, 0), NOW)
                .allowed());
    }

    @Test
    void aNewRecipientNeedsACode() {
        var decision = policy.evaluate(Operation.SEND_MONEY, verifiedMinutesAgo(1, 1), new Movement(100, true, 0), NOW);
        assertEquals("new_recipient", decision.reason());
        assertFalse(decision.allowed());
    }

    @Test
    void goingOverTheDailyTotalNeedsACode() {
        var decision = policy.evaluate(Operation.SEND_MONEY, verifiedMinutesAgo(1, 1),
                new Movement(1_000, false, 19_500), NOW);
        assertFalse(decision.allowed());
        assertTrue(decision.reason().startsWith("daily_total_over"));
        assertTrue(policy.evaluate(Operation.SEND_MONEY, verifiedMinutesAgo(1, 1), new Movement(1_000, false, 19_000),
                NOW).allowed());
    }
}
