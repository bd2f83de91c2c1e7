package com.flashapp.whatsapp.aisupport.knowledge;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable in-memory vector index over the FAQ: every question variant of every entry, L2-normalised, so the
 * cosine similarity is a dot product. At a few hundred vectors a linear scan takes microseconds, which is why we
 * keep vectors as {@code real[]} in PostgreSQL instead of needing pgvector.
 */
public final class FaqIndex {

    /** An entry and one normalised vector per question variant. */
    public record Indexed(FaqEntry entry, List<float[]> vectors) {
    }

    private final List<Indexed> items;

    public FaqIndex(List<Indexed> items) {
        var normalised = new ArrayList<Indexed>(items.size());
        for (var item : items) {
            normalised.add(new Indexed(item.entry(), item.vectors().stream().map(FaqIndex::normalise).toList()));
        }
        this.items = List.copyOf(normalised);
    }

    public static FaqIndex empty() {
        return new FaqIndex(List.of());
    }

    public int size() {
        return items.size();
    }

    public List<FaqEntry> entries() {
        return items.stream().map(Indexed::entry).toList();
    }

    /** The {@code k} best entries for a question vector, best first. */
    public List<FaqMatch> search(float[] question, int k) {
        var q = normalise(question);
        var matches = new ArrayList<FaqMatch>(items.size());
        for (var item : items) {
            double best = -1;
            for (var v : item.vectors()) {
                best = Math.max(best, dot(q, v));
            }
            if (!item.vectors().isEmpty()) {
                matches.add(new FaqMatch(item.entry(), best));
            }
        }
        matches.sort(Comparator.comparingDouble(FaqMatch::score).reversed());
        return List.copyOf(matches.subList(0, Math.min(k, matches.size())));
    }

    static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    static float[] normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return v.clone();
        }
        var out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }
}
