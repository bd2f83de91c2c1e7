package com.flashapp.whatsapp.command.intent;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples' vectors made by the build are the model's, and are used only for the examples they were made from. */
class ExampleVectorsTest {

    private static final List<IntentDataset.Phrasing> EXAMPLES = IntentDataset.examples();

    @Test
    void theBuildsVectorsAreWhatTheModelMakesOfTheExamples() {
        var embedder = new MiniLmEmbedder();
        var stored = ExampleVectors.read(embedder.checksum(), EXAMPLES).orElseThrow(() -> new AssertionError(
                ExampleVectors.RESOURCE + " is missing or stale: the build's process-classes phase writes it"));
        var embedded = SemanticMatcher.embed(embedder, EXAMPLES);
        assertEquals(embedded.size(), stored.size());
        for (int i = 0; i < embedded.size(); i++) {
            assertArrayEquals(embedded.get(i), stored.get(i), 1e-6f, EXAMPLES.get(i).text());
        }
        assertTrue(IntentFixture.SEMANTIC.stored(), "the intent tests' matcher reads the build's vectors");
    }

    @Test
    void vectorsMadeFromOtherExamplesOrAnotherModelAreNotUsed() throws IOException {
        var vectors = vectors(EXAMPLES.size());
        var file = Files.createTempFile("example-vectors-", ".bin");
        try {
            ExampleVectors.write(file, 42, EXAMPLES, vectors);
            var edited = new ArrayList<>(EXAMPLES);
            var first = edited.get(0);
            edited.set(0, new IntentDataset.Phrasing(first.label(), first.text() + " please", false));
            var relabelled = new ArrayList<>(EXAMPLES);
            var otherLabel = Labels.QUESTION.equals(first.label()) ? Labels.SMALL_TALK : Labels.QUESTION;
            relabelled.set(0, new IntentDataset.Phrasing(otherLabel, first.text(), false));

            assertTrue(read(file, 43, EXAMPLES).isEmpty(), "another model");
            assertTrue(read(file, 42, edited).isEmpty(), "an edited example");
            assertTrue(read(file, 42, relabelled).isEmpty(), "a relabelled example");
            assertTrue(read(file, 42, EXAMPLES.subList(1, EXAMPLES.size())).isEmpty(), "one example fewer");
            var same = read(file, 42, EXAMPLES).orElseThrow();
            assertEquals(vectors.size(), same.size());
            for (int i = 0; i < vectors.size(); i++) {
                assertArrayEquals(vectors.get(i), same.get(i));
            }
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aDamagedFileIsNotUsed() throws IOException {
        var file = Files.createTempFile("example-vectors-", ".bin");
        try {
            ExampleVectors.write(file, 42, EXAMPLES, vectors(EXAMPLES.size()));
            var whole = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(whole, whole.length - 5));
            assertTrue(read(file, 42, EXAMPLES).isEmpty(), "a cut file");
            Files.write(file, Arrays.copyOf(whole, 12));
            assertTrue(read(file, 42, EXAMPLES).isEmpty(), "a cut header");
            var badDimension = whole.clone();
            // the dimension follows magic, format, checksum, fingerprint and count: 4 + 4 + 8 + 32 + 4 bytes
            ByteBuffer.wrap(badDimension).putInt(52, Integer.MAX_VALUE);
            Files.write(file, badDimension);
            assertTrue(read(file, 42, EXAMPLES).isEmpty(), "an impossible dimension");
        } finally {
            Files.delete(file);
        }
    }

    private static Optional<List<float[]>> read(Path file, long checksum, List<IntentDataset.Phrasing> examples)
            throws IOException {
        return ExampleVectors.read(Files.newInputStream(file), checksum, examples); // it closes the stream
    }

    private static List<float[]> vectors(int count) {
        var vectors = new ArrayList<float[]>();
        for (int i = 0; i < count; i++) {
            vectors.add(new float[] {i, -i, i / 3f});
        }
        return vectors;
    }
}
