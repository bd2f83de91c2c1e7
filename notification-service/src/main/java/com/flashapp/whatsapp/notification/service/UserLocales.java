package com.flashapp.whatsapp.notification.service;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A user's locale and time zone when nothing better is known: the country of their WhatsApp number (its calling
 * code; the Caribbean's +1 area codes each name a country) gives the region, a time zone and, without a locale from
 * the link, the language. Numbers of a country with several zones (the US, Canada) give no zone.
 */
public final class UserLocales {

    /** Calling code (with area code for +1) → ISO region; matched longest first. */
    private static final Map<String, String> REGIONS = new LinkedHashMap<>();
    /** Region → the country's one time zone. */
    private static final Map<String, String> ZONES = Map.ofEntries(
            Map.entry("JM", "America/Jamaica"), Map.entry("TT", "America/Port_of_Spain"),
            Map.entry("BB", "America/Barbados"), Map.entry("BS", "America/Nassau"),
            Map.entry("BM", "Atlantic/Bermuda"), Map.entry("VG", "America/Tortola"),
            Map.entry("KY", "America/Cayman"), Map.entry("DM", "America/Dominica"),
            Map.entry("DO", "America/Santo_Domingo"), Map.entry("GD", "America/Grenada"),
            Map.entry("LC", "America/St_Lucia"), Map.entry("VC", "America/St_Vincent"),
            Map.entry("KN", "America/St_Kitts"), Map.entry("AG", "America/Antigua"),
            Map.entry("AI", "America/Anguilla"), Map.entry("MS", "America/Montserrat"),
            Map.entry("TC", "America/Grand_Turk"), Map.entry("SX", "America/Lower_Princes"),
            Map.entry("PR", "America/Puerto_Rico"), Map.entry("VI", "America/St_Thomas"),
            Map.entry("HT", "America/Port-au-Prince"), Map.entry("BZ", "America/Belize"),
            Map.entry("GT", "America/Guatemala"), Map.entry("SV", "America/El_Salvador"),
            Map.entry("HN", "America/Tegucigalpa"), Map.entry("NI", "America/Managua"),
            Map.entry("CR", "America/Costa_Rica"), Map.entry("PA", "America/Panama"),
            Map.entry("GY", "America/Guyana"), Map.entry("SR", "America/Paramaribo"),
            Map.entry("AW", "America/Aruba"), Map.entry("CW", "America/Curacao"),
            Map.entry("CO", "America/Bogota"), Map.entry("VE", "America/Caracas"),
            Map.entry("CU", "America/Havana"), Map.entry("GB", "Europe/London"), Map.entry("ES", "Europe/Madrid"));
    private static final Set<String> SPANISH = Set.of("DO", "PR", "GT", "SV", "HN", "NI", "CR", "PA", "MX", "CO", "VE",
            "CU", "ES");
    private static final Set<String> FRENCH = Set.of("HT");

    static {
        String[][] codes = {
                {"1876", "JM"}, {"1658", "JM"}, {"1868", "TT"}, {"1246", "BB"}, {"1242", "BS"}, {"1441", "BM"},
                {"1284", "VG"}, {"1345", "KY"}, {"1767", "DM"}, {"1809", "DO"}, {"1829", "DO"}, {"1849", "DO"},
                {"1473", "GD"}, {"1758", "LC"}, {"1784", "VC"}, {"1869", "KN"}, {"1268", "AG"}, {"1264", "AI"},
                {"1664", "MS"}, {"1649", "TC"}, {"1721", "SX"}, {"1787", "PR"}, {"1939", "PR"}, {"1340", "VI"},
                {"509", "HT"}, {"501", "BZ"}, {"502", "GT"}, {"503", "SV"}, {"504", "HN"}, {"505", "NI"},
                {"506", "CR"}, {"507", "PA"}, {"592", "GY"}, {"597", "SR"}, {"297", "AW"}, {"599", "CW"},
                {"52", "MX"}, {"57", "CO"}, {"58", "VE"}, {"53", "CU"}, {"44", "GB"}, {"34", "ES"}, {"1", "US"}};
        for (var code : codes) {
            REGIONS.put(code[0], code[1]);
        }
    }

    private UserLocales() {
    }

    /** The region of a {@code whatsapp:+…} or {@code +…} number, if its calling code is known. */
    public static Optional<String> region(String whatsapp) {
        if (whatsapp == null) {
            return Optional.empty();
        }
        var digits = whatsapp.replaceAll("\\D", "");
        for (int length = 4; length >= 1; length--) {
            if (digits.length() > length) {
                var region = REGIONS.get(digits.substring(0, length));
                if (region != null) {
                    return Optional.of(region);
                }
            }
        }
        return Optional.empty();
    }

    /** The time zone of the number's country, if it has exactly one (known here). */
    public static Optional<ZoneId> zone(String whatsapp) {
        return region(whatsapp).map(ZONES::get).map(ZoneId::of);
    }

    /**
     * The locale to write to a user in: the link's language (if any) in the number's region, else the region's
     * language; {@code fallback} when neither is known. Stored as a BCP 47 tag.
     */
    public static Locale locale(String linkLocale, String whatsapp, Locale fallback) {
        var region = region(whatsapp).orElse(null);
        var given = linkLocale == null || linkLocale.isBlank() ? null : Locale.forLanguageTag(linkLocale.trim()
                .replace('_', '-'));
        if (given != null && !given.getLanguage().isEmpty()) {
            var country = !given.getCountry().isEmpty() ? given.getCountry() : region;
            return country == null ? new Locale(given.getLanguage()) : new Locale(given.getLanguage(), country);
        }
        if (region == null) {
            return fallback;
        }
        var language = SPANISH.contains(region) ? "es" : FRENCH.contains(region) ? "fr" : "en";
        return new Locale(language, region);
    }
}
