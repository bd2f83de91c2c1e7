package com.flashapp.whatsapp.notification;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * A user's notification preferences. {@code frequency} is immediate, hourly or daily; quiet hours are local
 * times in {@code timeZone} (start after end means over midnight); the minimum is in {@code minimumUnit}.
 */
public record Preferences(String userRef, boolean enabled, BigDecimal minimumValue, String minimumUnit,
                          LocalTime quietStart, LocalTime quietEnd, ZoneId timeZone, String frequency) {

    public static final String IMMEDIATE = "immediate";
    public static final String HOURLY = "hourly";
    public static final String DAILY = "daily";

    /** Off until the user consents (the link's question, or {@code notifications on}). */
    public static Preferences defaults(String userRef, ZoneId zone) {
        return new Preferences(userRef, false, null, null, null, null, zone, IMMEDIATE);
    }

    public boolean hasQuietHours() {
        return quietStart != null && quietEnd != null;
    }
}
