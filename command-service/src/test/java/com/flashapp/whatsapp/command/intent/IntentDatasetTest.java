package com.flashapp.whatsapp.command.intent;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole reading (typed parser, rules, semantic matcher) over the test part of the dataset, which the matcher
 * never sees: at least 90% must reach the right command (done, or offered as "Did you mean"), small talk or AI
 * support. Prints the confusion per label.
 */
class IntentDatasetTest {

    @Test
    void theDatasetHasEnoughPhrasingsForEveryLabel() {
        var all = IntentDataset.all();
        assertTrue(all.size() >= 300, "phrasings: " + all.size());
        for (var label : Labels.ALL) {
            assertTrue(IntentDataset.examples().stream().anyMatch(p -> p.label().equals(label)), "examples: " + label);
            assertTrue(IntentDataset.testPart().stream().anyMatch(p -> p.label().equals(label)), "test: " + label);
        }
    }

    @Test
    void theTestPartIsReadRightAtLeastNinetyPercentOfTheTime() {
        var test = IntentDataset.testPart();
        Map<String, Map<String, Integer>> confusion = new TreeMap<>();
        int right = 0;
        var wrong = new StringBuilder();
        for (var phrasing : test) {
            var label = Interpreter.label(IntentFixture.INTERPRETER.interpret(phrasing.text()));
            confusion.computeIfAbsent(phrasing.label(), k -> new TreeMap<>()).merge(label, 1, Integer::sum);
            if (label.equals(phrasing.label())) {
                right++;
            } else {
                wrong.append("\n  ").append(phrasing.label()).append(" <- \"").append(phrasing.text())
                        .append("\" read as ").append(label);
            }
        }
        var accuracy = (double) right / test.size();
        var report = new StringBuilder(String.format("test part: %d/%d right (%.1f%%)%nconfusion (expected: read as):",
                right, test.size(), 100 * accuracy));
        confusion.forEach((expected, got) -> report.append("\n  ").append(expected).append(": ").append(got));
        report.append("\nwrong:").append(wrong);
        System.out.println(report);
        assertTrue(accuracy >= 0.90, report.toString());
    }
}
