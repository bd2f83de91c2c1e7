package com.flashapp.whatsapp.command.intent;

/**
 * What a natural message means.
 *
 * @param label      a command name, {@link Labels#SMALL_TALK} or {@link Labels#QUESTION}
 * @param confidence how sure the layer is
 * @param score      the semantic similarity behind the decision (1 for a sure rule, 0 when none was computed)
 * @param slots      amounts, recipient, currency, count read from the message
 * @param source     {@code pattern}, {@code semantic}, {@code both} or {@code none}
 */
public record Intent(String label, Confidence confidence, double score, Slots slots, String source) {

    /** Sure: act (or show the card); unsure: ask "Did you mean …?"; none: not an action. */
    public enum Confidence { SURE, UNSURE, NONE }

    public static Intent none(Slots slots, double score) {
        return new Intent(Labels.QUESTION, Confidence.NONE, score, slots, "none");
    }
}
