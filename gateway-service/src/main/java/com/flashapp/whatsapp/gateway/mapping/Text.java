package com.flashapp.whatsapp.gateway.mapping;

import java.text.Normalizer;
import java.util.regex.Pattern;

/** Text clean-up shared by the mappers: Unicode NFC, no control characters except line breaks and tabs. */
public final class Text {

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cc}&&[^\\n\\t]]|[\\p{Cs}]");

    private Text() {
    }

    /** NFC-normalised, control characters removed, trimmed; null stays null. */
    public static String clean(String value) {
        if (value == null) {
            return null;
        }
        var normalised = Normalizer.isNormalized(value, Normalizer.Form.NFC) ? value : Normalizer.normalize(value, Normalizer.Form.NFC);
        return CONTROL.matcher(normalised.replace("\r\n", "\n").replace('\r', '\n')).replaceAll("").strip();
    }

    /** Like {@link #clean(String)}, then cut to {@code max} code points; blank becomes null. */
    public static String field(String value, int max) {
        var cleaned = clean(value);
        if (cleaned == null || cleaned.isEmpty()) {
            return null;
        }
        return cut(cleaned, max);
    }

    /** The first {@code max} code points of {@code value} (never splits a surrogate pair). */
    public static String cut(String value, int max) {
        if (value.codePointCount(0, value.length()) <= max) {
            return value;
        }
        return value.substring(0, value.offsetByCodePoints(0, max));
    }
}
