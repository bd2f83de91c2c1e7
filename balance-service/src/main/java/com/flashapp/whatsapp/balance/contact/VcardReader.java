package com.flashapp.whatsapp.balance.contact;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the name and first phone number of a shared WhatsApp contact card (vCard 2.1/3.0/4.0): {@code FN} (else
 * {@code N}), and {@code TEL} — its {@code waid} parameter when WhatsApp set one (the number's digits with the
 * country code), else the written number. Folded lines are unfolded; anything else is ignored.
 */
public final class VcardReader {

    /** What a card says; a field is null when the card has none. */
    public record Card(String name, String phone) {
    }

    private static final Pattern WAID = Pattern.compile("(?i)waid=(\\d{8,15})");

    private final String defaultCountryCode;

    public VcardReader(String defaultCountryCode) {
        this.defaultCountryCode = defaultCountryCode;
    }

    public Card read(String vcard) {
        if (vcard == null || !vcard.toUpperCase(Locale.ROOT).contains("BEGIN:VCARD")) {
            return new Card(null, null);
        }
        String fn = null;
        String n = null;
        String phone = null;
        // RFC 6350 §3.2: a line starting with a space or tab continues the previous one
        for (var line : vcard.replace("\r\n", "\n").replaceAll("\n[ \t]", "").split("\n")) {
            var colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            var head = line.substring(0, colon);
            var value = line.substring(colon + 1).strip();
            var property = head.split(";")[0].toUpperCase(Locale.ROOT);
            // "item1.TEL" (Apple's grouping)
            property = property.substring(property.lastIndexOf('.') + 1);
            switch (property) {
                case "FN" -> fn = fn == null ? unescape(value) : fn;
                case "N" -> n = n == null ? fromN(value) : n;
                case "TEL" -> {
                    if (phone == null) {
                        var waid = WAID.matcher(head);
                        phone = waid.find() ? "+" + waid.group(1) : e164(value);
                    }
                }
                default -> {
                }
            }
        }
        var name = fn != null && !fn.isBlank() ? fn : n;
        return new Card(name == null || name.isBlank() ? null : name.strip(), phone);
    }

    /** E.164 for a written number, or null: with a + (or 00) as written; ten digits in the default country. */
    public String e164(String written) {
        var text = written.toLowerCase(Locale.ROOT).replace("tel:", "").strip();
        var plus = text.startsWith("+") || text.startsWith("00");
        var digits = text.replaceAll("\\D", "");
        if (text.startsWith("00")) {
            digits = digits.substring(2);
        }
        if (plus) {
            return digits.length() >= 8 && digits.length() <= 15 ? "+" + digits : null;
        }
        if (digits.length() == 10) {
            return "+" + defaultCountryCode + digits;
        }
        if (digits.length() == 10 + defaultCountryCode.length() && digits.startsWith(defaultCountryCode)) {
            return "+" + digits;
        }
        return null;
    }

    /** {@code N:Family;Given;Middle;Prefix;Suffix} as "Given Family". */
    private static String fromN(String value) {
        var parts = value.split(";", -1);
        var given = parts.length > 1 ? unescape(parts[1]).strip() : "";
        var family = unescape(parts[0]).strip();
        return (given + " " + family).strip();
    }

    private static String unescape(String value) {
        return value.replace("\\,", ",").replace("\\;", ";").replace("\\n", " ").replace("\\N", " ")
                .replace("\\\\", "\\");
    }
}
