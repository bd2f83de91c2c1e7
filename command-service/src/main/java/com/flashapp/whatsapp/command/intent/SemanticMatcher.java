package com.flashapp.whatsapp.command.intent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The nearest labelled example, by cosine similarity of sentence embeddings: for each label its closest example's
 * similarity; the best label wins, and how far it leads the runner-up says how sure that is.
 */
public final class SemanticMatcher {

    /** The best and second-best labels with their similarities. */
    public record Ranking(String best, double score, String second, double secondScore) {

        public double margin() {
            return score - secondScore;
        }
    }

    private final SentenceEmbedder embedder;
    private final List<String> labels = new ArrayList<>();
    private final List<float[]> vectors = new ArrayList<>();

    /** Embeds every example once (at start-up). */
    public SemanticMatcher(SentenceEmbedder embedder, List<IntentDataset.Phrasing> examples) {
        this.embedder = embedder;
        for (var example : examples) {
            labels.add(example.label());
            vectors.add(embedder.embed(prepare(example.text())));
        }
    }

    /** The text the model sees: the message's canonical words (Patois and Spanish mapped to English). */
    public static String prepare(String text) {
        return Words.of(text).text();
    }

    public Ranking rank(String text) {
        return rank(embedder.embed(prepare(text)), -1);
    }

    /** The ranking of an example's own vector against all the others: leave-one-out, for calibration. */
    public Ranking rankLeavingOut(int index) {
        return rank(vectors.get(index), index);
    }

    public int size() {
        return vectors.size();
    }

    public String label(int index) {
        return labels.get(index);
    }

    private Ranking rank(float[] query, int skip) {
        Map<String, Double> best = new HashMap<>();
        for (int i = 0; i < vectors.size(); i++) {
            if (i == skip) {
                continue;
            }
            var similarity = dot(query, vectors.get(i));
            best.merge(labels.get(i), similarity, Math::max);
        }
        String first = null;
        String second = null;
        double firstScore = -1;
        double secondScore = -1;
        for (var entry : best.entrySet()) {
            if (entry.getValue() > firstScore) {
                second = first;
                secondScore = firstScore;
                first = entry.getKey();
                firstScore = entry.getValue();
            } else if (entry.getValue() > secondScore) {
                second = entry.getKey();
                secondScore = entry.getValue();
            }
        }
        return new Ranking(first, firstScore, second, secondScore);
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
