package com.flashapp.whatsapp.messaging;

import com.rabbitmq.client.Channel;
import io.quarkus.logging.Log;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Writes acks and nacks for every consumer channel on one thread of its own (a socket write never runs on an event
 * loop). Whatever has been settled since the last write goes out together: a run of acknowledged deliveries with no
 * unsettled one below it becomes one {@code basic.ack multiple}, which is most of them when a consumer handles its
 * queue in order; anything settled out of order is acknowledged on its own at once (never held back behind a slow
 * message). A settle for a channel that has closed is dropped: the broker already put that message back.
 */
final class AckWriter {

    enum Outcome { ACK, REQUEUE, REJECT }

    /** A settle, or (with {@code written}) a mark completed once everything queued before it is written. */
    private record Settle(Channel channel, long tag, Outcome outcome, CompletableFuture<Void> written) {
    }

    /** Per channel: every tag up to {@code floor} is settled and written; {@code pending} waits to be written. */
    private static final class ChannelState {
        long floor;
        final TreeMap<Long, Outcome> pending = new TreeMap<>();
        final Set<Long> writtenAhead = new HashSet<>();
    }

    private final LinkedBlockingQueue<Settle> queue = new LinkedBlockingQueue<>();
    private final Map<Channel, ChannelState> channels = new IdentityHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    AckWriter() {
        thread = new Thread(this::loop, "messaging-acks");
        thread.setDaemon(true);
        thread.start();
    }

    void settle(Delivery delivery, Outcome outcome) {
        queue.add(new Settle(delivery.channel(), delivery.tag(), outcome, null));
    }

    /** Completes once everything settled before this call has been written (or dropped with its closed channel). */
    CompletableFuture<Void> written() {
        var mark = new CompletableFuture<Void>();
        queue.add(new Settle(null, 0, null, mark));
        return mark;
    }

    /** Waits until everything settled so far has been written (or the time is up); for shutdown. */
    void drain(long timeoutMillis) {
        var deadline = System.currentTimeMillis() + timeoutMillis;
        while (!queue.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }

    private void loop() {
        var batch = new ArrayList<Settle>();
        while (running) {
            try {
                var first = queue.poll(1, TimeUnit.SECONDS);
                channels.keySet().removeIf(channel -> !channel.isOpen());
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                var touched = new HashSet<Channel>();
                var marks = new ArrayList<CompletableFuture<Void>>();
                for (var s : batch) {
                    if (s.written() != null) {
                        marks.add(s.written());
                    } else if (s.channel().isOpen()) {
                        channels.computeIfAbsent(s.channel(), c -> new ChannelState()).pending.put(s.tag(), s.outcome());
                        touched.add(s.channel());
                    }
                }
                for (var channel : touched) {
                    write(channel, channels.get(channel));
                }
                marks.forEach(mark -> mark.complete(null));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.warnf("messaging: writing acks failed: %s", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private static void write(Channel channel, ChannelState state) {
        try {
            long runEnd = -1;
            var tag = state.floor + 1;
            while (true) {
                if (state.writtenAhead.remove(tag)) {
                    tag++;
                    continue;
                }
                var outcome = state.pending.remove(tag);
                if (outcome == null) {
                    break;
                }
                if (outcome == Outcome.ACK) {
                    runEnd = tag;
                } else {
                    if (runEnd >= 0) {
                        channel.basicAck(runEnd, true);
                        runEnd = -1;
                    }
                    channel.basicNack(tag, false, outcome == Outcome.REQUEUE);
                }
                tag++;
            }
            if (runEnd >= 0) {
                channel.basicAck(runEnd, true);
            }
            state.floor = tag - 1;
            // settled above a delivery still being handled: written now, one by one
            for (var entry : state.pending.entrySet()) {
                if (entry.getValue() == Outcome.ACK) {
                    channel.basicAck(entry.getKey(), false);
                } else {
                    channel.basicNack(entry.getKey(), false, entry.getValue() == Outcome.REQUEUE);
                }
                state.writtenAhead.add(entry.getKey());
            }
            state.pending.clear();
        } catch (Exception e) {
            // the channel closed under us: the broker requeues everything unacknowledged on it
            Log.debugf("messaging: acks not written, channel closed: %s", e.toString());
        }
    }
}
