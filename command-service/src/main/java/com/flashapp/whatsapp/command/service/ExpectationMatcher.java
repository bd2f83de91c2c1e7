package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.parser.TextNormalizer;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Whether a reply answers an expectation: a code is 4-8 digits, a confirmation is a yes/no word, a choice is one
 * of the options or its number.
 */
public final class ExpectationMatcher {

    public static final Set<String> YES = Set.of("yes", "y", "yeah", "yep", "yup", "ok", "okay", "k", "sure",
            "confirm", "confirmed", "si", "sí", "oui", "ja", "correct", "go", "do it", "yes please", "👍", "✅");
    public static final Set<String> NO = Set.of("no", "n", "nope", "nah", "cancel", "stop", "non", "nein",
            "don't", "dont", "abort", "👎", "❌");
    public static final Set<String> CANCEL = Set.of("cancel", "stop", "cancelar", "annuler", "abort", "quit",
            "exit", "nevermind", "never mind");
    private static final Pattern CODE = Pattern.compile("\\d{4,8}");

    private ExpectationMatcher() {
    }

    /** The answer to route (the user's text trimmed; for a choice, the option chosen), or empty. */
    public static Optional<String> match(ConversationExpectation expectation, String text) {
        var trimmed = text == null ? "" : text.trim();
        var kind = expectation.envelope().type();
        if (RoutingKeys.Expect.CODE.equals(kind)) {
            var digits = trimmed.replaceAll("[\\s-]", "");
            return CODE.matcher(digits).matches() ? Optional.of(digits) : Optional.empty();
        }
        if (RoutingKeys.Expect.CONFIRMATION.equals(kind)) {
            return isYes(trimmed) || isNo(trimmed) ? Optional.of(trimmed) : Optional.empty();
        }
        if (RoutingKeys.Expect.CHOICE.equals(kind)) {
            return choice(expectation.options(), trimmed);
        }
        return Optional.empty();
    }

    public static boolean isYes(String text) {
        return YES.contains(word(text));
    }

    public static boolean isNo(String text) {
        return NO.contains(word(text));
    }

    public static boolean isCancel(String text) {
        return CANCEL.contains(word(text));
    }

    private static Optional<String> choice(List<String> options, String text) {
        if (options == null || options.isEmpty()) {
            return Optional.empty();
        }
        for (var option : options) {
            if (option.equalsIgnoreCase(text)) {
                return Optional.of(option);
            }
        }
        var number = text.replaceAll("[#.)\\s]", "");
        if (number.matches("\\d{1,2}")) {
            var index = Integer.parseInt(number);
            if (index >= 1 && index <= options.size()) {
                return Optional.of(options.get(index - 1));
            }
        }
        var word = word(text);
        return options.stream().filter(o -> word(o).equals(word)).findFirst();
    }

    private static String word(String text) {
        var raw = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (raw.startsWith("👍") || raw.startsWith("👎") || raw.startsWith("✅") || raw.startsWith("❌")) {
            return raw.substring(0, raw.offsetByCodePoints(0, 1));
        }
        return TextNormalizer.keyword(TextNormalizer.clean(raw));
    }
}
