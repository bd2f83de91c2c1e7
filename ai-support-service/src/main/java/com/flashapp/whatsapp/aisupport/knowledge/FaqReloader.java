package com.flashapp.whatsapp.aisupport.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.repository.FaqRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps PostgreSQL and the in-memory index in step with the FAQ source: at startup, on a schedule and on an admin's
 * request. Only entries whose content hash changed are re-embedded; removed entries are deleted; what changed is
 * logged (ids only).
 */
@ApplicationScoped
public class FaqReloader {

    /** What a reload did. */
    public record Result(int version, int added, int updated, int removed, int unchanged, List<String> changedIds) {
    }

    private final SupportConfig config;
    private final FaqRepository repository;
    private final KnowledgeBase knowledgeBase;
    private final Embedder embedder;
    private final AtomicBoolean running = new AtomicBoolean();

    public FaqReloader(SupportConfig config, FaqRepository repository, KnowledgeBase knowledgeBase, Embedder embedder) {
        this.config = config;
        this.repository = repository;
        this.knowledgeBase = knowledgeBase;
        this.embedder = embedder;
    }

    void onStart(@Observes StartupEvent event) {
        // on the main thread, before traffic: the first answers need the index
        reload().await().atMost(Duration.ofMinutes(5));
        // load the ONNX model now, not on the first user's question (it takes seconds)
        embedder.embed("warm up");
    }

    // first run one period after start: the startup reload has just done the work
    @Scheduled(every = "${app.support.faq.reload-every}", delayed = "${app.support.faq.reload-every}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledReload() {
        if (running.get()) {
            return Uni.createFrom().voidItem(); // the startup or an admin reload is doing it
        }
        return reload().onFailure().invoke(e -> Log.warnf("Scheduled FAQ reload failed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Reloads the configured source. */
    public Uni<Result> reload() {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().failure(new IllegalStateException("a FAQ reload is already running"));
        }
        var source = config.faq().source();
        return Uni.createFrom().item(() -> FaqSource.load(source))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(file -> repository.hashes().flatMap(stored -> apply(file, stored)))
                .flatMap(result -> repository.loadIndex().map(items -> {
                    knowledgeBase.replace(new FaqIndex(items));
                    return result;
                }))
                .invoke(r -> Log.infof("FAQ v%d from %s: %d added, %d updated, %d removed, %d unchanged%s",
                        r.version(), source, r.added(), r.updated(), r.removed(), r.unchanged(),
                        r.changedIds().isEmpty() ? "" : " " + r.changedIds()))
                .eventually(() -> running.set(false));
    }

    private Uni<Result> apply(FaqFile file, Map<String, String> stored) {
        var changed = new ArrayList<FaqEntry>();
        var hashes = new HashMap<String, String>();
        int added = 0;
        int updated = 0;
        for (var entry : file.entries()) {
            var hash = hash(entry);
            hashes.put(entry.id(), hash);
            var old = stored.get(entry.id());
            if (old == null) {
                added++;
                changed.add(entry);
            } else if (!old.equals(hash)) {
                updated++;
                changed.add(entry);
            }
        }
        int unchanged = file.entries().size() - changed.size();
        int finalAdded = added;
        int finalUpdated = updated;
        var ids = file.entries().stream().map(FaqEntry::id).toList();
        // embedding is CPU-bound and blocking: on a worker, one entry at a time
        return Multi.createFrom().iterable(changed)
                .onItem().transformToUniAndConcatenate(entry -> Uni.createFrom()
                        .item(() -> embedder.embedAll(entry.questions()))
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                        .flatMap(vectors -> repository.upsert(entry, hashes.get(entry.id()), vectors)))
                .collect().last()
                .flatMap(ignored -> repository.deleteAllExcept(ids))
                .map(removed -> new Result(file.version(), finalAdded, finalUpdated, removed, unchanged,
                        changed.stream().map(FaqEntry::id).toList()));
    }

    /** SHA-256 over everything embedded or shown, plus the model name (a new model re-embeds everything). */
    String hash(FaqEntry entry) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            var text = embedder.modelName() + "\n" + FaqSource.MAPPER.writeValueAsString(entry);
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
