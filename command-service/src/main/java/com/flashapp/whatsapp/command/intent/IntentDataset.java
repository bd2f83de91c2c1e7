package com.flashapp.whatsapp.command.intent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The labelled phrasings ({@code intent/phrasings.tsv}: label TAB text). A line belongs to the test part when the
 * CRC-32 of its text modulo 10 is below 3, so the split is fixed by the text alone: nobody picks which phrasing the
 * matcher sees. The matcher and its thresholds use the examples part only.
 */
public final class IntentDataset {

    public static final String RESOURCE = "/intent/phrasings.tsv";

    /** One labelled phrasing. */
    public record Phrasing(String label, String text, boolean test) {
    }

    private IntentDataset() {
    }

    public static List<Phrasing> all() {
        var in = IntentDataset.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException(RESOURCE + " is missing");
        }
        var rows = new ArrayList<Phrasing>();
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                var tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new IllegalStateException("Not label TAB text: " + line);
                }
                var label = line.substring(0, tab).strip();
                var text = line.substring(tab + 1).strip();
                if (!Labels.ALL.contains(label)) {
                    throw new IllegalStateException("Unknown label " + label + " in " + RESOURCE);
                }
                rows.add(new Phrasing(label, text, isTest(text)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    public static List<Phrasing> examples() {
        return all().stream().filter(p -> !p.test()).toList();
    }

    public static List<Phrasing> testPart() {
        return all().stream().filter(Phrasing::test).toList();
    }

    static boolean isTest(String text) {
        var crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue() % 10 < 3;
    }
}
