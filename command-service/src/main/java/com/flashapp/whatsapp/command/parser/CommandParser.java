package com.flashapp.whatsapp.command.parser;

import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.command.registry.CommandSpec;
import com.flashapp.whatsapp.contracts.Recipient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.commons.text.similarity.JaroWinklerSimilarity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a message: a pasted invoice or code alone, then an exact name or alias (up to three words), then its
 * arguments; when no command word matches, the closest commands by Jaro-Winkler similarity.
 */
@ApplicationScoped
public class CommandParser {

    private static final Pattern CODE_ALONE = Pattern.compile("\\d{3} ?\\d{3}");
    private static final JaroWinklerSimilarity SIMILARITY = new JaroWinklerSimilarity();

    private final CommandRegistry registry;
    private final double threshold;
    private final double clearMargin;
    private final int maxSuggestions;
    private final int maxWords;
    private final int minLength;

    @Inject
    public CommandParser(CommandRegistry registry, CommandConfig config) {
        this(registry, config.fuzzy().threshold(), config.fuzzy().clearMargin(), config.fuzzy().maxSuggestions(),
                config.fuzzy().maxWords(), config.fuzzy().minLength());
    }

    public CommandParser(CommandRegistry registry, double threshold, double clearMargin, int maxSuggestions,
                         int maxWords, int minLength) {
        this.registry = registry;
        this.threshold = threshold;
        this.clearMargin = clearMargin;
        this.maxSuggestions = maxSuggestions;
        this.maxWords = maxWords;
        this.minLength = minLength;
    }

    public ParseResult parse(String text) {
        var cleaned = TextNormalizer.clean(text);
        var tokens = TextNormalizer.tokens(cleaned);
        if (tokens.isEmpty()) {
            return new ParseResult.Empty();
        }
        if (CODE_ALONE.matcher(cleaned).matches()) {
            return new ParseResult.Matched(spec(CommandRegistry.VERIFY), Args.value(cleaned.replace(" ", "")));
        }
        if (tokens.size() == 1) {
            var pasted = RecipientParser.single(tokens.get(0).replaceAll("[.,;!?]+$", ""));
            if (pasted.isPresent() && pasted.get().kind() != Recipient.Kind.USERNAME) {
                return new ParseResult.Matched(spec(CommandRegistry.SEND),
                        new Args(null, null, null, pasted.get(), null, null));
            }
        }
        var keywords = tokens.stream().map(TextNormalizer::keyword).toList();
        var commandWordSeen = false;
        for (int words = Math.min(CommandRegistry.MAX_ALIAS_WORDS, tokens.size()); words >= 1; words--) {
            var phrase = String.join(" ", keywords.subList(0, words));
            var spec = registry.byWord(phrase);
            if (spec.isPresent()) {
                var rest = tokens.subList(words, tokens.size());
                try {
                    var args = spec.get().grammar().parse(rest);
                    if (args != null) {
                        return new ParseResult.Matched(spec.get(), args);
                    }
                    commandWordSeen = true;
                } catch (ArgumentException e) {
                    // "send money to my mom in the US?" is a question about sending, not a broken send command
                    return cleaned.contains("?") ? new ParseResult.Unmatched(cleaned)
                            : new ParseResult.Invalid(spec.get(), e.getMessage());
                }
            }
        }
        // a command word followed by words it does not take is a sentence ("flash is down"): for AI support
        return commandWordSeen ? new ParseResult.Unmatched(cleaned) : fuzzy(cleaned, tokens, keywords.get(0));
    }

    private ParseResult fuzzy(String cleaned, List<String> tokens, String word) {
        if (tokens.size() > maxWords || cleaned.contains("?") || word.length() < minLength) {
            return new ParseResult.Unmatched(cleaned);
        }
        Map<CommandSpec, Double> best = new LinkedHashMap<>();
        registry.fuzzyWords().forEach((alias, spec) -> {
            if (alias.length() >= minLength) {
                var score = SIMILARITY.apply(word, alias);
                if (score >= threshold) {
                    best.merge(spec, score, Math::max);
                }
            }
        });
        if (best.isEmpty()) {
            return new ParseResult.Unmatched(cleaned);
        }
        var ranked = new ArrayList<>(best.entrySet());
        ranked.sort(Map.Entry.<CommandSpec, Double>comparingByValue(Comparator.reverseOrder()));
        var rest = String.join(" ", tokens.subList(1, tokens.size()));
        if (ranked.size() == 1 || ranked.get(0).getValue() - ranked.get(1).getValue() >= clearMargin) {
            return new ParseResult.Suggestion(List.of(ranked.get(0).getKey()), rest);
        }
        var candidates = ranked.stream().limit(maxSuggestions).map(Map.Entry::getKey).toList();
        return new ParseResult.Suggestion(candidates, rest);
    }

    private CommandSpec spec(String name) {
        return registry.byName(name).orElseThrow();
    }
}
