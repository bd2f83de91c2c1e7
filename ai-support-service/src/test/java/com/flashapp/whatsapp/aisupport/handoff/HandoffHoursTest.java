package com.flashapp.whatsapp.aisupport.handoff;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Agents' hours: who is on duty when, and how the hours are told to a user out of hours. */
class HandoffHoursTest {

    private final HandoffHours weekdays = new HandoffHours("MON-FRI", "09:00", "17:00", "America/Jamaica");

    @Test
    void onDutyOnlyOnTheDaysAndHoursInTheZone() {
        // Jamaica is UTC-5 all year
        assertTrue(weekdays.onDuty(Instant.parse("2026-12-07T14:00:00Z")));   // Mon 09:00
        assertFalse(weekdays.onDuty(Instant.parse("2026-12-07T13:59:00Z")));  // Mon 08:59
        assertFalse(weekdays.onDuty(Instant.parse("2026-12-07T22:00:00Z")));  // Mon 17:00
        assertFalse(weekdays.onDuty(Instant.parse("2026-12-06T15:00:00Z")));  // Sun 10:00
        assertTrue(weekdays.onDuty(Instant.parse("2026-12-11T21:59:00Z")));   // Fri 16:59
    }

    @Test
    void theHoursAreToldInWords() {
        assertEquals("Mon–Fri 09:00–17:00 (Jamaica time)", weekdays.text());
        assertEquals("Mon,Wed,Sat 08:00–24:00 (Jamaica time)",
                new HandoffHours("MON,WED,SAT", "08:00", "24:00", "America/Jamaica").text());
    }

    @Test
    void allDayEveryDayAndWrapAroundDays() {
        var always = new HandoffHours("MON-SUN", "00:00", "24:00", "UTC");
        assertTrue(always.onDuty(Instant.parse("2026-12-06T23:59:59Z")));
        var weekend = new HandoffHours("SAT-MON", "00:00", "24:00", "UTC");
        assertTrue(weekend.onDuty(Instant.parse("2026-12-07T10:00:00Z"))); // Monday
        assertFalse(weekend.onDuty(Instant.parse("2026-12-08T10:00:00Z"))); // Tuesday
    }

    @Test
    void aMalformedSettingStopsStartUp() {
        assertThrows(IllegalArgumentException.class, () -> new HandoffHours("MON-FUN", "09:00", "17:00", "UTC"));
        assertThrows(IllegalArgumentException.class, () -> new HandoffHours("MON", "17:00", "09:00", "UTC"));
    }
}
