package com.flashapp.whatsapp.balance.payment;

import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Reads what a confirmation card needs from a BOLT11 invoice: whether it looks like one and its amount. */
public final class Bolt11Amount {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final Pattern INVOICE =
            Pattern.compile("^ln(bc|tb|bcrt)(\\d+)?([munp])?1[" + CHARSET + "]{50,}$");

    private Bolt11Amount() {
    }

    /** The invoice without a {@code lightning:} prefix, lower case, or null when it is not an invoice. */
    public static String normalise(String text) {
        if (text == null) {
            return null;
        }
        var value = text.strip();
        if (value.regionMatches(true, 0, "lightning:", 0, "lightning:".length())) {
            value = value.substring("lightning:".length());
        }
        value = value.toLowerCase(Locale.ROOT);
        return INVOICE.matcher(value).matches() ? value : null;
    }

    /** The amount in sats of a normalised invoice; empty for a no-amount invoice. */
    public static OptionalLong sats(String invoice) {
        var m = INVOICE.matcher(invoice);
        if (!m.matches() || m.group(2) == null) {
            return OptionalLong.empty();
        }
        long value = Long.parseLong(m.group(2));
        var multiplier = m.group(3) == null ? "" : m.group(3);
        return switch (multiplier) {
            case "m" -> OptionalLong.of(value * 100_000);
            case "u" -> OptionalLong.of(value * 100);
            case "n" -> OptionalLong.of(value / 10);
            case "p" -> OptionalLong.of(value / 10_000);
            default -> OptionalLong.of(value * 100_000_000);
        };
    }

    /** A short form for cards and logs: {@code lnbc50u1…x7k2}. */
    public static String shortForm(String invoice) {
        return invoice.length() <= 20 ? invoice : invoice.substring(0, 12) + "…" + invoice.substring(invoice.length() - 4);
    }
}
