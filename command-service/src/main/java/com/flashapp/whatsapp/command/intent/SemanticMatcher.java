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
    private final List<float[]> vectors;
    private final boolean stored;

    /** Embeds every example once (at start-up). */
    public SemanticMatcher(SentenceEmbedder embedder, List<IntentDataset.Phrasing> examples) {
        this(embedder, examples, embed(embedder, examples), false);
    }

    private SemanticMatcher(SentenceEmbedder embedder, List<IntentDataset.Phrasing> examples, List<float[]> vectors,
            boolean stored) {
        this.embedder = embedder;
        for (var example : examples) {
            labels.add(example.label());
        }
        this.vectors = List.copyOf(vectors);
        this.stored = stored;
    }

    /**
     * MiniLM with the examples' vectors made when the service was built ({@link ExampleVectors}), or embedded now
     * where the stored ones are missing or were made from other examples or another model.
     */
    public static SemanticMatcher withMiniLm(List<IntentDataset.Phrasing> examples) {
        var embedder = new MiniLmEmbedder();
        return ExampleVectors.read(embedder.checksum(), examples)
                .map(vectors -> new SemanticMatcher(embedder, examples, vectors, true))
                .orElseGet(() -> new SemanticMatcher(embedder, examples));
    }

    static List<float[]> embed(SentenceEmbedder embedder, List<IntentDataset.Phrasing> examples) {
        return examples.stream().map(example -> embedder.embed(prepare(example.text()))).toList();
    }

    /** Whether the examples' vectors were read from the build's file rather than embedded at start-up. */
    public boolean stored() {
        return stored;
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
