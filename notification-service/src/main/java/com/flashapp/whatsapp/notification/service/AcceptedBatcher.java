package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import com.flashapp.whatsapp.notification.repository.OutboxRepository.Accepted;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records Twilio's acceptances in groups ("group commit"): one statement stores every acceptance that arrived
 * while the previous statement ran, so under load the database sees one round trip per group instead of several
 * per message, and a lone send is still recorded at once. Each caller's Uni completes when its own row is stored.
 */
final class AcceptedBatcher {

    private record Pending(Accepted accepted, CompletableFuture<Void> done) {
    }

    private final OutboxRepository outbox;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushing = new AtomicBoolean();

    AcceptedBatcher(OutboxRepository outbox, int maxBatch) {
        this.outbox = outbox;
        this.maxBatch = Math.max(1, maxBatch);
    }

    Uni<Void> add(Accepted accepted) {
        return Uni.createFrom().deferred(() -> {
            var pending = new Pending(accepted, new CompletableFuture<>());
            queue.add(pending);
            flush();
            return Uni.createFrom().completionStage(pending.done());
        });
    }

    private void flush() {
        if (!flushing.compareAndSet(false, true)) {
            return; // the running statement's completion flushes what arrived meanwhile
        }
        var batch = new ArrayList<Pending>();
        Pending next;
        while (batch.size() < maxBatch && (next = queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            flushing.set(false);
            if (!queue.isEmpty()) {
                flush();
            }
            return;
        }
        outbox.markAccepted(batch.stream().map(Pending::accepted).toList()).subscribe().with(moved -> {
            flushing.set(false);
            batch.forEach(p -> p.done().complete(null));
            flush();
        }, failure -> {
            flushing.set(false);
            batch.forEach(p -> p.done().completeExceptionally(failure));
            flush();
        });
    }
}
