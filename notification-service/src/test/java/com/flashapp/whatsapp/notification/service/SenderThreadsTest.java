package com.flashapp.whatsapp.notification.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay's sender threads: added only while all are busy, never more than the maximum, idle ones end. */
class SenderThreadsTest {

    private SenderThreads threads;

    @AfterEach
    void shutDown() {
        threads.shutdownNow();
    }

    @Test
    void sendsOneAfterAnotherUseOneThread() throws Exception {
        threads = new SenderThreads(64, 60_000, "test-send");
        for (int i = 0; i < 50; i++) {
            threads.submit(() -> { }).get(5, TimeUnit.SECONDS);
            awaitIdle();
        }
        assertEquals(1, threads.getLargestPoolSize(), "a fixed pool would have started 50 threads");
    }

    @Test
    void busyThreadsGetCompanyUpToTheMaximumThenSendsWaitInOrder() throws Exception {
        threads = new SenderThreads(3, 60_000, "test-send");
        var release = new CountDownLatch(1);
        var started = new CountDownLatch(3);
        var order = Collections.synchronizedList(new ArrayList<Integer>());
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            var n = i;
            sends.add(threads.submit(() -> {
                order.add(n);
                started.countDown();
                await(release);
            }));
        }
        assertTrue(started.await(5, TimeUnit.SECONDS), "each of the first three got a thread at once");
        assertEquals(3, threads.getPoolSize());
        assertEquals(3, threads.getQueue().size(), "the other three wait, none refused");
        release.countDown();
        awaitAll(sends);
        assertEquals(6, order.size());
        assertEquals(3, threads.getLargestPoolSize());
    }

    @Test
    void waitingSendsRunInTheOrderTheyCame() throws Exception {
        threads = new SenderThreads(1, 60_000, "test-send");
        var release = new CountDownLatch(1);
        var order = Collections.synchronizedList(new ArrayList<Integer>());
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            var n = i;
            sends.add(threads.submit(() -> {
                await(release);
                order.add(n);
            }));
        }
        release.countDown();
        awaitAll(sends);
        assertEquals(IntStream.range(0, 20).boxed().toList(), order);
    }

    @Test
    void idleThreadsEnd() throws Exception {
        threads = new SenderThreads(4, 50, "test-send");
        var release = new CountDownLatch(1);
        List<Future<?>> sends = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sends.add(threads.submit(() -> await(release)));
        }
        release.countDown();
        awaitAll(sends);
        assertEquals(4, threads.getLargestPoolSize());
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (threads.getPoolSize() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, threads.getPoolSize(), "threads idle past their keep-alive ended");
        threads.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    private static void awaitAll(List<Future<?>> sends) throws Exception {
        for (var send : sends) {
            send.get(5, TimeUnit.SECONDS);
        }
    }

    private void awaitIdle() throws InterruptedException {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (threads.getActiveCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
