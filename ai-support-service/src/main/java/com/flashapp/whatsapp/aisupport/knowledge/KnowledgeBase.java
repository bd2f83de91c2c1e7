package com.flashapp.whatsapp.aisupport.knowledge;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** The searchable FAQ: the current in-memory index, swapped atomically after each reload. */
@ApplicationScoped
public class KnowledgeBase {

    private final Embedder embedder;
    private final AtomicReference<FaqIndex> index = new AtomicReference<>(FaqIndex.empty());

    public KnowledgeBase(Embedder embedder) {
        this.embedder = embedder;
    }

    /** The best {@code k} entries for a question; embedding is CPU-bound, so it runs on a worker thread. */
    public Uni<List<FaqMatch>> search(String question, int k) {
        return Uni.createFrom().item(() -> index.get().search(embedder.embed(question), k))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    public void replace(FaqIndex next) {
        index.set(next);
    }

    public FaqIndex current() {
        return index.get();
    }
}
