package com.flashapp.whatsapp.aisupport.handoff;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** When support agents are on duty: days and hours in one time zone (a malformed setting stops start-up). */
public final class HandoffHours {

    private final Set<DayOfWeek> days;
    private final LocalTime opens;
    private final LocalTime closes; // null: until midnight
    private final ZoneId zone;
    private final String text;

    public HandoffHours(String days, String opens, String closes, String zone) {
        this.days = days(days);
        this.opens = LocalTime.parse(opens.strip());
        this.closes = "24:00".equals(closes.strip()) ? null : LocalTime.parse(closes.strip());
        this.zone = ZoneId.of(zone.strip());
        if (this.closes != null && !this.closes.isAfter(this.opens)) {
            throw new IllegalArgumentException("app.support.handoff: closes (" + closes + ") must be after opens ("
                    + opens + ")");
        }
        this.text = describe(days, opens, closes, this.zone);
    }

    /** Whether agents are on duty at {@code at}. */
    public boolean onDuty(Instant at) {
        var local = at.atZone(zone);
        var time = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !time.isBefore(opens)
                && (closes == null || time.isBefore(closes));
    }

    /** "Mon–Fri 09:00–17:00 (Jamaica time)": what users are told. */
    public String text() {
        return text;
    }

    static Set<DayOfWeek> days(String spec) {
        var set = EnumSet.noneOf(DayOfWeek.class);
        for (var part : spec.toUpperCase(Locale.ROOT).split(",")) {
            var range = part.strip().split("-");
            var from = day(range[0]);
            var to = range.length > 1 ? day(range[1]) : from;
            for (var d = from; ; d = d.plus(1)) {
                set.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return set;
    }

    private static DayOfWeek day(String s) {
        var t = s.strip();
        for (var d : DayOfWeek.values()) {
            if (d.name().startsWith(t) && t.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("app.support.handoff.days: unknown day '" + s + "'");
    }

    private static String describe(String days, String opens, String closes, ZoneId zone) {
        var shownDays = days.strip().toUpperCase(Locale.ROOT).replace("-", "–");
        shownDays = java.util.Arrays.stream(shownDays.split("(?<=[–,])|(?=[–,])"))
                .map(w -> w.length() >= 3 ? w.charAt(0) + w.substring(1, 3).toLowerCase(Locale.ROOT) : w)
                .reduce("", String::concat);
        var city = zone.getId().contains("/") ? zone.getId().substring(zone.getId().lastIndexOf('/') + 1)
                .replace('_', ' ') + " time" : zone.getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
        return shownDays + " " + opens.strip() + "–" + closes.strip() + " (" + city + ")";
    }
}
