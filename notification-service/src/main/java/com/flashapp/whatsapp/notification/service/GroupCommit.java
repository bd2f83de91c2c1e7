package com.flashapp.whatsapp.notification.service;

import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Writes items in groups ("group commit"): one call of {@code write} stores every item that arrived while the
 * previous call ran, so under load the database sees one round trip per group instead of several per item, and a
 * lone item is still written at once. Groups are written one at a time, in the order their items arrived. Each
 * caller's Uni completes with its own item's result when its group is stored. A group that fails is written again
 * one item at a time, so an item the database refuses fails only its own caller.
 * Used for Twilio's acceptances (the relay) and for status callbacks (whatsapp.delivery).
 *
 * @param <T> what is written
 * @param <R> what each item's caller gets back; {@code write} returns one per item, in the order given
 */
final class GroupCommit<T, R> {

    private record Pending<T, R>(T item, CompletableFuture<R> done) {
    }

    private final Function<List<T>, Uni<List<R>>> write;
    private final int maxBatch;
    private final ConcurrentLinkedQueue<Pending<T, R>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushing = new AtomicBoolean();

    GroupCommit(Function<List<T>, Uni<List<R>>> write, int maxBatch) {
        this.write = write;
        this.maxBatch = Math.max(1, maxBatch);
    }

    Uni<R> add(T item) {
        return Uni.createFrom().deferred(() -> {
            var pending = new Pending<T, R>(item, new CompletableFuture<>());
            queue.add(pending);
            flush();
            return Uni.createFrom().completionStage(pending.done());
        });
    }

    private void flush() {
        if (!flushing.compareAndSet(false, true)) {
            return; // the running write's completion flushes what arrived meanwhile
        }
        var batch = new ArrayList<Pending<T, R>>();
        Pending<T, R> next;
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
        write(batch).subscribe().with(results -> {
            flushing.set(false);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).done().complete(results.size() > i ? results.get(i) : null);
            }
            flush();
        }, failure -> {
            if (batch.size() == 1) {
                flushing.set(false);
                batch.get(0).done().completeExceptionally(failure);
                flush();
            } else {
                alone(batch, 0);
            }
        });
    }

    /** The items of a failed group, each written on its own, one after another. */
    private void alone(List<Pending<T, R>> batch, int index) {
        if (index == batch.size()) {
            flushing.set(false);
            flush();
            return;
        }
        var pending = batch.get(index);
        write(List.of(pending)).subscribe().with(results -> {
            pending.done().complete(results.isEmpty() ? null : results.get(0));
            alone(batch, index + 1);
        }, failure -> {
            pending.done().completeExceptionally(failure);
            alone(batch, index + 1);
        });
    }

    private Uni<List<R>> write(List<Pending<T, R>> batch) {
        try {
            return write.apply(batch.stream().map(Pending::item).toList());
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
