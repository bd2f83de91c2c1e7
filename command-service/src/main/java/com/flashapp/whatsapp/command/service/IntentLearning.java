package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.command.intent.PhraseRedactor;
import com.flashapp.whatsapp.command.repository.IntentPhraseRepository;
import com.flashapp.whatsapp.command.repository.OnceRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * Learning from use: phrasings that fell through to AI support, whose "Did you mean" was declined, or that the
 * user corrected ("no, I meant history") are counted, redacted, so the dataset can grow from real traffic
 * ("admin stats" shows the most frequent). Never fails the user's message.
 */
@ApplicationScoped
public class IntentLearning {

    public static final String FELL_THROUGH = "fell_through";
    public static final String DECLINED = "declined";
    public static final String CORRECTED = "corrected";

    /** "no, I meant history", "i mean balance", "nah i meant price": group 1 is what they meant. */
    private static final Pattern CORRECTION = Pattern.compile(
            "^(?:(?:no+|nah|nope)[\\s,.!]+)?i\\s+mean[t]?[\\s,:]+(.+)$", Pattern.CASE_INSENSITIVE);

    private final IntentPhraseRepository phrases;
    private final OnceRepository memory;
    private final Duration correctionWindow;

    public IntentLearning(IntentPhraseRepository phrases, OnceRepository memory, CommandConfig config) {
        this.phrases = phrases;
        this.memory = memory;
        this.correctionWindow = config.expectations().localTtl();
    }

    /** Counts a phrasing (redacted; too long a message is not kept). */
    public Uni<Void> count(String text, String reason) {
        var phrase = PhraseRedactor.redact(text);
        if (phrase.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return phrases.count(phrase.get(), reason, Instant.now())
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Could not count an intent phrasing (%s): %s", reason, e.toString());
                    return null;
                });
    }

    /** Remembers what the intent layer just acted on, so a "no, I meant …" right after can count it. */
    public Uni<Void> actedOn(String userRef, String text) {
        var phrase = PhraseRedactor.redact(text);
        if (phrase.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return memory.rememberPhrase(userRef, phrase.get(), correctionWindow)
                .onFailure().recoverWithItem(e -> null);
    }

    /** What a correction meant ("history" for "no, I meant history"), or null when the text is no correction. */
    public static String corrected(String text) {
        var matcher = CORRECTION.matcher(text == null ? "" : text.strip());
        return matcher.matches() ? matcher.group(1).strip() : null;
    }

    /** Counts the phrasing the user just corrected, if the intent layer had acted on one. */
    public Uni<Void> correction(String userRef) {
        return memory.takePhrase(userRef)
                .flatMap(previous -> previous == null ? Uni.createFrom().voidItem()
                        : phrases.count(previous, CORRECTED, Instant.now()))
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Could not count a corrected phrasing: %s", e.toString());
                    return null;
                });
    }
}
