package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.parser.RecipientParser;
import com.flashapp.whatsapp.command.parser.TextNormalizer;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A phrasing as it may be stored for learning: lower case, and nothing that identifies anyone or anything —
 * usernames, Lightning addresses and invoices, e-mail addresses, phone numbers and every number become
 * placeholders. Long messages (questions that may carry personal detail) are not kept at all.
 */
public final class PhraseRedactor {

    /** Longer messages are not kept. */
    public static final int MAX_WORDS = 12;
    private static final int MAX_LENGTH = 160;
    private static final Pattern DIGITS = Pattern.compile("\\d+(?:[.,]\\d+)*");
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]+@[^\\s@]+\\.[a-z]{2,}");

    private PhraseRedactor() {
    }

    /** The redacted phrasing, or empty when the message is too long (or empty) to keep. */
    public static Optional<String> redact(String text) {
        var tokens = TextNormalizer.tokens(TextNormalizer.clean(text == null ? "" : text));
        if (tokens.isEmpty() || tokens.size() > MAX_WORDS) {
            return Optional.empty();
        }
        var out = new ArrayList<String>();
        for (var token : tokens) {
            var lower = token.toLowerCase(Locale.ROOT);
            var single = RecipientParser.single(lower.replaceAll("[,;:!?]+$", ""));
            if (single.isPresent()) {
                out.add(switch (single.get().kind()) {
                    case USERNAME -> "@user";
                    case LIGHTNING_INVOICE -> "<invoice>";
                    default -> "<address>";
                });
            } else if (EMAIL.matcher(lower).find()) {
                out.add("<address>");
            } else if (lower.replaceAll("\\D", "").length() >= 7) {
                out.add("<phone>");
            } else {
                out.add(DIGITS.matcher(lower).replaceAll("#"));
            }
        }
        var phrase = String.join(" ", out);
        return Optional.of(phrase.length() > MAX_LENGTH ? phrase.substring(0, MAX_LENGTH) : phrase);
    }
}
