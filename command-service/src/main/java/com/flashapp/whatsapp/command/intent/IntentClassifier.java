package com.flashapp.whatsapp.command.intent;

import java.util.Optional;

/**
 * Free text -> intent: the rules first (sure ones decide alone), then the semantic matcher, which confirms or
 * overrules a rule's guess, or decides alone when its similarity clears the thresholds chosen from the examples.
 */
public final class IntentClassifier {

    /**
     * Thresholds on the semantic matcher's best similarity.
     *
     * @param sure   at least this, and {@code margin} ahead of the runner-up: act on it
     * @param margin the lead over the second label needed to be sure
     * @param unsure at least this: ask "Did you mean …?"; below it the message is not an action
     */
    public record Thresholds(double sure, double margin, double unsure) {
    }

    /** Commands that move money or ask someone for it: never taken from a question by the matcher alone. */
    private static final java.util.Set<String> MONEY = java.util.Set.of(
            com.flashapp.whatsapp.command.registry.CommandRegistry.SEND,
            com.flashapp.whatsapp.command.registry.CommandRegistry.REQUEST);

    private final SlotReader slots;
    private final SemanticMatcher semantic;
    private final Thresholds thresholds;

    /** {@code semantic} may be null: the rules alone (a sure rule acts, a guess asks). */
    public IntentClassifier(SlotReader slots, SemanticMatcher semantic, Thresholds thresholds) {
        this.slots = slots;
        this.semantic = semantic;
        this.thresholds = thresholds;
    }

    public Intent classify(String text) {
        var words = Words.of(text);
        var read = slots.read(words);
        var rule = PatternMatcher.match(words, read);
        if (rule.isPresent() && rule.get().sure()) {
            return new Intent(rule.get().label(), Intent.Confidence.SURE, 1, read, "pattern");
        }
        if (semantic == null || words.isEmpty()) {
            return rule.map(g -> new Intent(g.label(), Intent.Confidence.UNSURE, 0, read, "pattern"))
                    .orElseGet(() -> Intent.none(read, 0));
        }
        var ranking = semantic.rank(text);
        return decide(rule, ranking, read, PatternMatcher.isQuestion(words));
    }

    /**
     * The decision for a rule's guess (if any) and the semantic ranking. A message with question words ("why",
     * "failed", "how do i") and no rule is an action only when the matcher is sure; otherwise it is a question.
     */
    public Intent decide(Optional<PatternMatcher.Guess> rule, SemanticMatcher.Ranking ranking, Slots read,
                         boolean question) {
        var sure = ranking.score() >= thresholds.sure() && ranking.margin() >= thresholds.margin();
        if (rule.isPresent()) {
            var guess = rule.get().label();
            if (guess.equals(ranking.best()) && ranking.score() >= thresholds.unsure()) {
                return new Intent(guess, Intent.Confidence.SURE, ranking.score(), read, "both");
            }
            if (sure) {
                return new Intent(ranking.best(), Intent.Confidence.SURE, ranking.score(), read, "semantic");
            }
            return new Intent(guess, Intent.Confidence.UNSURE, ranking.score(), read, "pattern");
        }
        if (question && MONEY.contains(ranking.best())) {
            // "why is my payment to @marcus of 25 pending" is close to a send; it is a question about one
            return Intent.none(read, ranking.score());
        }
        if (sure) {
            return new Intent(ranking.best(), Intent.Confidence.SURE, ranking.score(), read, "semantic");
        }
        if (ranking.score() >= thresholds.unsure() && !question) {
            return new Intent(ranking.best(), Intent.Confidence.UNSURE, ranking.score(), read, "semantic");
        }
        return Intent.none(read, ranking.score());
    }
}
