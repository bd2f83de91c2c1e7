package com.flashapp.whatsapp.balance.contact;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Finds a saved contact by the name a user typed, forgiving like command matching: the same name ignoring case,
 * accents and spacing first; else the only contact whose first word is that word ("aunt" for "Aunt May"); else the
 * only contact within a small edit distance for names of four letters or more ("jhon" for "John", "antie may"
 * for "Auntie May"). Two equally close contacts
 * match nothing: the answer must never be a guess between people.
 */
public final class NameMatcher {

    private NameMatcher() {
    }

    /** Lower case, no accents, single spaces: the form names are compared (and keyed) in. */
    public static String normalise(String name) {
        if (name == null) {
            return "";
        }
        var decomposed = Normalizer.normalize(name.strip(), Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
        return decomposed.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    /** The single best match for {@code typed} among {@code candidates}, or null. */
    public static <T> T match(String typed, List<T> candidates, Function<T, String> nameOf) {
        var wanted = normalise(typed);
        if (wanted.isEmpty()) {
            return null;
        }
        var exact = only(candidates, c -> normalise(nameOf.apply(c)).equals(wanted));
        if (exact != null) {
            return exact;
        }
        var firstWord = only(candidates, c -> normalise(nameOf.apply(c)).split(" ")[0].equals(wanted));
        if (firstWord != null) {
            return firstWord;
        }
        // short words are other words one letter away ("bob"/"rob"): they must match exactly
        var allowed = wanted.length() <= 3 ? 0 : wanted.length() <= 6 ? 1 : 2;
        T best = null;
        var bestDistance = Integer.MAX_VALUE;
        var tie = false;
        for (var c : candidates) {
            var d = distance(wanted, normalise(nameOf.apply(c)));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
                tie = false;
            } else if (d == bestDistance) {
                tie = true;
            }
        }
        return best != null && !tie && allowed > 0 && bestDistance <= allowed ? best : null;
    }

    private static <T> T only(List<T> candidates, java.util.function.Predicate<T> test) {
        var found = new ArrayList<T>();
        for (var c : candidates) {
            if (test.test(c)) {
                found.add(c);
            }
        }
        return found.size() == 1 ? found.get(0) : null;
    }

    /** Optimal string alignment distance (Levenshtein with adjacent transpositions: "jhon" → "john" is 1). */
    static int distance(String a, String b) {
        var d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                var cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
