package com.flashapp.whatsapp.notification.service;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay's threads for twilio-java's blocking calls: at most {@code max}, a new one only when every thread is
 * busy, and a thread idle for {@code keepAlive} ends. A fixed pool started a thread for each of its first
 * {@code max} sends, idle threads or not, and kept them all, however few sends were in flight. Idle threads take
 * waiting work in turn, so while messages flow the pool stays as large as the most sends once in flight together.
 * Past {@code max} busy threads, sends wait in order, as in a fixed pool.
 */
final class SenderThreads extends ThreadPoolExecutor {

    /** Refuses a task while a thread may still be added and none is idle, so that the executor adds one. */
    private static final class GrowFirst extends LinkedBlockingQueue<Runnable> {

        private ThreadPoolExecutor executor;

        @Override
        public boolean offer(Runnable task) {
            var pool = executor.getPoolSize();
            if (pool < executor.getMaximumPoolSize() && executor.getActiveCount() >= pool) {
                return false;
            }
            return super.offer(task);
        }

        /** Queues past the check: the executor reached its maximum meanwhile. */
        void force(Runnable task) {
            super.offer(task);
        }
    }

    SenderThreads(int max, long keepAliveMillis, String name) {
        super(0, max, keepAliveMillis, TimeUnit.MILLISECONDS, new GrowFirst(), threads(name), (task, executor) -> {
            if (executor.isShutdown()) {
                throw new RejectedExecutionException("the relay's sender threads are shut down");
            }
            ((GrowFirst) executor.getQueue()).force(task);
        });
        ((GrowFirst) getQueue()).executor = this;
    }

    private static ThreadFactory threads(String name) {
        var n = new AtomicInteger();
        return task -> {
            var thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
