package com.flashapp.whatsapp.notification.service;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit: what arrives during a write goes in the next group; a refused group is retried item by item. */
class GroupCommitTest {

    private final List<List<String>> writes = new ArrayList<>();
    private final CompletableFuture<Void> firstWrite = new CompletableFuture<>();

    private Uni<List<String>> write(List<String> items) {
        writes.add(items);
        if (items.contains("bad")) {
            return Uni.createFrom().failure(new IllegalArgumentException("refused: bad"));
        }
        var results = items.stream().map(String::toUpperCase).toList();
        return writes.size() == 1 ? Uni.createFrom().completionStage(firstWrite).replaceWith(results)
                : Uni.createFrom().item(results);
    }

    @Test
    void itemsArrivingDuringAWriteGoTogetherAndABadOneFailsAlone() {
        var commit = new GroupCommit<String, String>(this::write, 64);
        var a = commit.add("a").subscribeAsCompletionStage();
        var b = commit.add("b").subscribeAsCompletionStage();
        var bad = commit.add("bad").subscribeAsCompletionStage();
        var c = commit.add("c").subscribeAsCompletionStage();
        assertEquals(List.of(List.of("a")), writes, "the first item is written at once, alone");
        assertFalse(b.isDone());

        firstWrite.complete(null);

        assertEquals(List.of(List.of("a"), List.of("b", "bad", "c"), List.of("b"), List.of("bad"), List.of("c")),
                writes);
        assertEquals("A", a.join());
        assertEquals("B", b.join());
        assertEquals("C", c.join());
        assertTrue(bad.isCompletedExceptionally());
    }

    @Test
    void aGroupIsNeverLargerThanItsLimit() {
        var commit = new GroupCommit<String, String>(this::write, 2);
        var all = List.of("a", "b", "c", "d", "e").stream()
                .map(item -> commit.add(item).subscribeAsCompletionStage()).toList();
        firstWrite.complete(null);

        assertEquals(List.of(List.of("a"), List.of("b", "c"), List.of("d", "e")), writes);
        assertEquals(List.of("A", "B", "C", "D", "E"), all.stream().map(CompletableFuture::join).toList());
    }
}
