package com.flashapp.whatsapp.aisupport.knowledge;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import jakarta.enterprise.context.ApplicationScoped;

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
                    // loads the ONNX weights from the classpath (~90 MB): once, lazily
                    model = new AllMiniLmL6V2EmbeddingModel();
                }
                m = model;
            }
        }
        return m;
    }
}
