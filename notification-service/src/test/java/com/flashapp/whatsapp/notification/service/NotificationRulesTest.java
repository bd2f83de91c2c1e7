package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.notification.OutboundState;
import com.flashapp.whatsapp.notification.Payment;
import com.flashapp.whatsapp.notification.Preferences;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure rules: quiet hours, minimums, preference parsing, state ranks, splitting. */
class NotificationRulesTest {

    static final ZoneId JAMAICA = ZoneId.of("America/Jamaica");

    static Preferences quiet(String start, String end) {
        return new Preferences("u_1", true, null, null, LocalTime.parse(start), LocalTime.parse(end), JAMAICA,
                Preferences.IMMEDIATE);
    }

    static Instant at(int hour, int minute) {
        return ZonedDateTime.of(2026, 11, 27, hour, minute, 0, 0, JAMAICA).toInstant();
    }

    @Test
    void quietHoursOverMidnightCoverLateEveningAndEarlyMorning() {
        var prefs = quiet("22:00", "07:00");
        assertTrue(PaymentNotifier.inQuietHours(prefs, at(23, 30)));
        assertTrue(PaymentNotifier.inQuietHours(prefs, at(6, 59)));
        assertFalse(PaymentNotifier.inQuietHours(prefs, at(7, 0)));
        assertFalse(PaymentNotifier.inQuietHours(prefs, at(12, 0)));
        assertEquals(ZonedDateTime.of(2026, 11, 28, 7, 0, 0, 0, JAMAICA).toInstant(),
                PaymentNotifier.quietEnd(prefs, at(23, 30)));
        assertEquals(at(7, 0), PaymentNotifier.quietEnd(prefs, at(3, 0)));
    }

    @Test
    void quietHoursWithinOneDay() {
        var prefs = quiet("13:00", "14:00");
        assertTrue(PaymentNotifier.inQuietHours(prefs, at(13, 30)));
        assertFalse(PaymentNotifier.inQuietHours(prefs, at(14, 30)));
    }

    @Test
    void minimumsCompareInTheUnitTheUserChose() {
        var sats = new Preferences("u_1", true, new BigDecimal("500"), "SATS", null, null, JAMAICA, "immediate");
        var jmd = new Preferences("u_1", true, new BigDecimal("100"), "JMD", null, null, JAMAICA, "immediate");
        var small = new Payment("t", Payment.RECEIVED, "u_1", "BTC", 300, new BigDecimal("46.80"), "JMD", null, null,
                Instant.now());
        var big = new Payment("t", Payment.RECEIVED, "u_1", "BTC", 3000, new BigDecimal("468.00"), "JMD", null, null,
                Instant.now());
        var usdWallet = new Payment("t", Payment.RECEIVED, "u_1", "USD", 50, null, null, null, null, Instant.now());
        assertTrue(PaymentNotifier.belowMinimum(small, sats));
        assertFalse(PaymentNotifier.belowMinimum(big, sats));
        assertTrue(PaymentNotifier.belowMinimum(small, jmd));
        assertFalse(PaymentNotifier.belowMinimum(big, jmd));
        // no way to compare cents with a JMD minimum without a display amount: notify rather than hide
        assertFalse(PaymentNotifier.belowMinimum(usdWallet, jmd));
    }

    @Test
    void preferenceUpdatesKeepWhatTheyDoNotMention() {
        var current = PreferencesService.apply(Preferences.defaults("u_1", JAMAICA),
                update(true, null, null, null, null));
        var quiet = PreferencesService.apply(current, update(null, null, "22:00-07:00", null, null));
        assertEquals(LocalTime.of(22, 0), quiet.quietStart());
        assertEquals(LocalTime.of(7, 0), quiet.quietEnd());
        assertTrue(quiet.enabled());
        assertEquals("immediate", quiet.frequency());

        var digest = PreferencesService.apply(quiet, update(false, new Amount(new BigDecimal("100"), "jmd"), null,
                "Daily", "America/New_York"));
        assertFalse(digest.enabled());
        assertEquals("daily", digest.frequency());
        assertEquals("JMD", digest.minimumUnit());
        assertEquals(ZoneId.of("America/New_York"), digest.timeZone());
        assertEquals(LocalTime.of(22, 0), digest.quietStart());

        var off = PreferencesService.apply(digest, update(null, new Amount(BigDecimal.ZERO, "JMD"), "off", null, null));
        assertNull(off.quietStart());
        assertNull(off.minimumValue());
    }

    @Test
    void notificationsAreOffUntilTheUserConsents() {
        assertFalse(Preferences.defaults("u_1", JAMAICA).enabled());
        assertTrue(ConsentService.isYes("Yes"));
        assertTrue(ConsentService.isYes("👍🏽"));
        assertFalse(ConsentService.isYes("no"));
        assertFalse(ConsentService.isYes("nope"));
    }

    @Test
    void invalidPreferencesAreRefusedWithAReason() {
        var current = Preferences.defaults("u_1", JAMAICA);
        assertThrows(IllegalArgumentException.class,
                () -> PreferencesService.apply(current, update(null, null, "late", null, null)));
        assertThrows(IllegalArgumentException.class,
                () -> PreferencesService.apply(current, update(null, null, null, "weekly", null)));
        assertThrows(IllegalArgumentException.class,
                () -> PreferencesService.apply(current, update(null, null, null, null, "Mars/Base")));
        assertThrows(IllegalArgumentException.class,
                () -> PreferencesService.apply(current, update(null, new Amount(new BigDecimal("-1"), "JMD"), null,
                        null, null)));
    }

    @Test
    void statusesRankSoThatCallbacksOnlyMoveForward() {
        assertTrue(OutboundState.fromTwilio("read").rank() > OutboundState.fromTwilio("delivered").rank());
        assertTrue(OutboundState.fromTwilio("delivered").rank() > OutboundState.fromTwilio("sent").rank());
        assertTrue(OutboundState.fromTwilio("undelivered").rank() > OutboundState.fromTwilio("sent").rank());
        assertEquals(OutboundState.FAILED, OutboundState.fromTwilio("failed"));
        assertNull(OutboundState.fromTwilio("something-new"));
    }

    @Test
    void longBodiesSplitAtWordsAndQuickRepliesBecomeText() {
        var body = "x".repeat(1000) + " " + "y".repeat(1000);
        var parts = OutboundService.split(body);
        assertEquals(List.of("x".repeat(1000), "y".repeat(1000)), parts);
        assertEquals(List.of("short"), OutboundService.split("short"));
        assertEquals("Balance\n\n• See history: reply *history*",
                OutboundService.withQuickReplies("Balance", List.of(new QuickReply("history", "See history"))));
    }

    private static PreferencesUpdate update(Boolean enabled, Amount minimum, String quiet, String frequency,
                                            String zone) {
        return new PreferencesUpdate(Envelope.create("preferences.update", "c", "u_1"), "whatsapp:+18765550101",
                enabled, minimum, quiet, frequency, zone);
    }
}
