package com.flashapp.whatsapp.command.parser;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Turns what a user typed into tokens the parser can compare: no emoji, single spaces, no accents in keywords. */
public final class TextNormalizer {

    private static final Pattern SYMBOLS = Pattern.compile("[\\p{So}\\p{Cn}\\p{Cs}\\x{FE0F}\\x{200D}\\x{20E3}]");
    private static final Pattern SPACES = Pattern.compile("[\\s\\u00A0\\u2007\\u202F]+");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern EDGE_PUNCTUATION = Pattern.compile("^[\\p{Punct}¿¡…]+|[\\p{Punct}¿¡…]+$");

    private TextNormalizer() {
    }

    /** NFKC, emoji and other pictographs removed, whitespace collapsed, trimmed. Case is kept. */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        var normalized = Normalizer.normalize(text, Normalizer.Form.NFKC);
        normalized = SYMBOLS.matcher(normalized).replaceAll(" ");
        return SPACES.matcher(normalized).replaceAll(" ").trim();
    }

    /** The tokens of a cleaned text. */
    public static List<String> tokens(String cleaned) {
        if (cleaned.isBlank()) {
            return List.of();
        }
        return Arrays.asList(cleaned.split(" "));
    }

    /** A token as a keyword: lower case, accents and surrounding punctuation removed ("¡Saldo!" -> "saldo"). */
    public static String keyword(String token) {
        var lower = token.toLowerCase(Locale.ROOT);
        if (lower.length() > 1) {
            lower = EDGE_PUNCTUATION.matcher(lower).replaceAll("");
        }
        if (lower.startsWith("/") && lower.length() > 1) {
            lower = lower.substring(1);
        }
        var decomposed = Normalizer.normalize(lower, Normalizer.Form.NFD);
        return MARKS.matcher(decomposed).replaceAll("");
    }
}
