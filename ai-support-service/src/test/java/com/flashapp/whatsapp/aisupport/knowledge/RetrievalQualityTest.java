package com.flashapp.whatsapp.aisupport.knowledge;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retrieval quality of the shipped FAQ with the embedded MiniLM model, on a labelled set of real-sounding user
 * questions (paraphrases, typos, Jamaican English) kept in test resources. It searches the index the service built
 * at startup (seed file → embeddings in PostgreSQL → in-memory index), i.e. what users get.
 */
@QuarkusTest
class RetrievalQualityTest {

    record Labelled(String question, String expected) {
    }

    @Inject
    KnowledgeBase knowledgeBase;

    @Inject
    Embedder embedder;

    FaqIndex index;
    List<Labelled> labelled;

    @BeforeEach
    void loadLabelledSet() throws Exception {
        index = knowledgeBase.current();
        labelled = new ArrayList<>();
        try (var reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                RetrievalQualityTest.class.getResourceAsStream("/retrieval/labelled-questions.tsv")),
                StandardCharsets.UTF_8))) {
            reader.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(l -> {
                var parts = l.split("\t");
                labelled.add(new Labelled(parts[0].strip(), parts[1].strip()));
            });
        }
    }

    @Test
    void theFaqHasAtLeastFortyEntriesAndTheLabelledSetSixtyQuestions() {
        assertTrue(index.size() >= 40, "entries: " + index.size());
        assertEquals(FaqSource.load("classpath:faq/faq-v1.json").entries().size(), index.size(), "all seeded");
        assertTrue(labelled.size() >= 60, "labelled: " + labelled.size());
        var ids = index.entries().stream().map(FaqEntry::id).toList();
        labelled.forEach(l -> assertTrue(ids.contains(l.expected()), "unknown label " + l.expected()));
    }

    @Test
    void topOneAndTopThreeAccuracyMeetTheBar() {
        int top1 = 0;
        int top3 = 0;
        var misses = new ArrayList<String>();
        for (var l : labelled) {
            var matches = index.search(embedder.embed(l.question()), 3);
            var ids = matches.stream().map(m -> m.entry().id()).toList();
            if (ids.get(0).equals(l.expected())) {
                top1++;
            } else {
                misses.add(String.format("%-60s expected %-28s got %s (%.2f)", l.question(), l.expected(),
                        ids, matches.get(0).score()));
            }
            if (ids.contains(l.expected())) {
                top3++;
            }
        }
        double top1Rate = (double) top1 / labelled.size();
        double top3Rate = (double) top3 / labelled.size();
        System.out.printf("Retrieval quality on %d labelled questions: top-1 %.1f%%, top-3 %.1f%%%n",
                labelled.size(), top1Rate * 100, top3Rate * 100);
        misses.forEach(m -> System.out.println("  miss: " + m));
        assertTrue(top1Rate >= 0.80, "top-1 accuracy " + top1Rate);
        assertTrue(top3Rate >= 0.95, "top-3 accuracy " + top3Rate);
    }
}
