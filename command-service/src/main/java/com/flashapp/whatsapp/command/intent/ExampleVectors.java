package com.flashapp.whatsapp.command.intent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The examples' vectors, embedded when the service is built (the pom runs {@link #main} after compiling) and read
 * at start-up: embedding the 296 examples took about 1 s of CPU at every start, on a core Quarkus' boot needed.
 * The file names the model and the examples it was made from; when either differs (a phrasing edited in dev mode,
 * say), {@link #read} finds nothing and the matcher embeds the examples itself.
 */
public final class ExampleVectors {

    static final String RESOURCE = "/intent/example-vectors.bin";
    private static final int MAGIC = 0x46574956; // "FWIV"
    private static final int FORMAT = 1;
    /** More than any sentence model's (MiniLM's is 384): a larger number is a damaged file. */
    private static final int MAX_DIMENSION = 4096;

    private ExampleVectors() {
    }

    /**
     * The stored vectors of exactly these examples made by the model with this checksum, if the file has them; a
     * missing, stale or damaged file gives nothing (the examples are then embedded: slower, never wrong).
     */
    public static Optional<List<float[]>> read(long modelChecksum, List<IntentDataset.Phrasing> examples) {
        var in = ExampleVectors.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            return Optional.empty();
        }
        return read(in, modelChecksum, examples);
    }

    /** As {@link #read(long, List)}, from a stream it closes. */
    static Optional<List<float[]>> read(InputStream stream, long modelChecksum, List<IntentDataset.Phrasing> examples) {
        try (var in = new DataInputStream(new BufferedInputStream(stream))) {
            return read(in, modelChecksum, examples);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<List<float[]>> read(DataInputStream in, long modelChecksum,
            List<IntentDataset.Phrasing> examples) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != FORMAT || in.readLong() != modelChecksum) {
            return Optional.empty();
        }
        var fingerprint = in.readNBytes(32);
        if (!Arrays.equals(fingerprint, fingerprint(examples))) {
            return Optional.empty();
        }
        var count = in.readInt();
        var dimension = in.readInt();
        if (count != examples.size() || dimension < 1 || dimension > MAX_DIMENSION) {
            return Optional.empty();
        }
        var vectors = new ArrayList<float[]>(count);
        for (int i = 0; i < count; i++) {
            var vector = new float[dimension];
            for (int j = 0; j < dimension; j++) {
                vector[j] = in.readFloat();
            }
            vectors.add(vector);
        }
        return Optional.of(vectors);
    }

    static void write(Path file, long modelChecksum, List<IntentDataset.Phrasing> examples, List<float[]> vectors)
            throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (var out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeLong(modelChecksum);
            out.write(fingerprint(examples));
            out.writeInt(vectors.size());
            out.writeInt(vectors.isEmpty() ? 0 : vectors.get(0).length);
            for (var vector : vectors) {
                for (var v : vector) {
                    out.writeFloat(v);
                }
            }
        }
    }

    /** SHA-256 over each example's label and the text the model sees, in order. */
    static byte[] fingerprint(List<IntentDataset.Phrasing> examples) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            for (var example : examples) {
                digest.update((example.label() + '\t' + SemanticMatcher.prepare(example.text()) + '\n')
                        .getBytes(StandardCharsets.UTF_8));
            }
            return digest.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Build step (command-service/pom.xml, process-classes): embeds the examples and writes the file to args[0]. */
    public static void main(String... args) throws IOException {
        var started = System.nanoTime();
        var embedder = new MiniLmEmbedder();
        var examples = IntentDataset.examples();
        var vectors = SemanticMatcher.embed(embedder, examples);
        var file = Path.of(args[0]);
        write(file, embedder.checksum(), examples, vectors);
        System.out.printf("%d example vectors written to %s in %d ms%n", vectors.size(), file,
                (System.nanoTime() - started) / 1_000_000);
    }
}
