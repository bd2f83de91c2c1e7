package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.rabbitmq.client.Channel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One consumed queue: takes what the broker delivers, handles each message once and settles it.
 *
 * <p>Deliveries are handled in the order they came, up to {@code concurrency} at a time, each on a Vert.x duplicated
 * context of its own. Per message: decode (malformed → dead-letter queue), inbox (already handled → ack), handler,
 * inbox record, ack. A transient failure (see {@link Failures}) is retried in place with backoff for as long as the
 * delivery's channel is open — the message keeps its place and its delivery limit while a database restarts; the
 * watchdog reports the consumer stalled if that lasts. A rejected message is dead-lettered at once; any other
 * failure is requeued and the queue's delivery limit dead-letters it after the configured attempts.
 *
 * <p>When the connection is lost, the deliveries it brought that have not started are dropped (the broker redelivers
 * them on the next connection), handlers already running finish but their acks are skipped, and a redelivered copy
 * of a message still being handled waits for that handling to end, then meets the inbox. All state below is only
 * touched on the consumer's own event-loop context.
 */
final class QueueConsumer {

    private final String name;
    private final String queue;
    private final String label;
    private final Role role;
    private final String contractExchange;
    private final MessagingConfig.Consumer config;
    private final MessageHandler handler;
    private final Inbox inbox;
    private final AckWriter acks;
    private final Vertx vertx;
    private final Context root;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final MeterRegistry registry;
    private final Timer handlerTime;
    private final Counter redelivered;
    private final Counter retries;
    private final Map<String, Counter> consumed = new ConcurrentHashMap<>();

    private final ArrayDeque<Delivery> queued = new ArrayDeque<>();
    private final Set<UUID> handling = new HashSet<>();
    private final Map<UUID, List<Delivery>> parked = new HashMap<>();
    private int parkedCount;
    private volatile int inFlight;
    private volatile boolean running = true;
    /** A hand-over of this shard is under way: nothing more is started; {@code quiet} completes when none runs. */
    private boolean paused;
    private CompletableFuture<Void> quiet;

    // the channel this consumer is registered on now, and whether the broker has delivered on it (with a single
    // active consumer per shard: whether this replica is the shard's active consumer)
    private volatile Channel channel;
    private volatile boolean active;

    // read by the watchdog from other threads
    private volatile int held;
    private volatile long lastProgress = System.nanoTime();
    private volatile boolean consuming;
    private volatile boolean reportedStalled;

    /**
     * @param name      the consumer's name ({@code messaging.consumers.<name>}): its handler and its inbox entries
     * @param queue     the queue consumed: the configured one, or one of its shards
     * @param label     the name in logs and readiness: {@code name}, or {@code name.<shard>} (metrics carry the
     *                  consumer's name as {@code channel} and the queue as {@code queue})
     * @param role      when it is registered on the broker, and whether readiness needs it
     */
    QueueConsumer(String name, String queue, String label, Role role, String contractExchange,
                  MessagingConfig.Consumer config, MessageHandler handler, Inbox inbox, AckWriter acks, Vertx vertx,
                  MessagingConfig messaging, MeterRegistry registry) {
        this.name = name;
        this.queue = queue;
        this.label = label;
        this.role = role;
        this.contractExchange = contractExchange;
        this.config = config;
        this.handler = handler;
        this.inbox = inbox;
        this.acks = acks;
        this.vertx = vertx;
        this.root = vertx.getOrCreateContext();
        this.initialBackoffMillis = Math.max(1, messaging.retry().initialBackoff().toMillis());
        this.maxBackoffMillis = Math.max(initialBackoffMillis, messaging.retry().maxBackoff().toMillis());
        this.registry = registry;
        this.handlerTime = Timer.builder("messaging.handler.time").description("Handling one message, retries included")
                .tag("channel", name).tag("queue", queue).publishPercentileHistogram().register(registry);
        this.redelivered = Counter.builder("messaging.redelivered")
                .description("Messages the broker delivered again (after a requeue or a lost connection)")
                .tag("channel", name).tag("queue", queue).register(registry);
        this.retries = Counter.builder("messaging.handler.retries")
                .description("Handling attempts repeated in place after a transient failure")
                .tag("channel", name).tag("queue", queue).register(registry);
        Gauge.builder("messaging.consumer.held", this, c -> c.held)
                .description("Messages delivered to this consumer and not yet settled")
                .tag("channel", name).tag("queue", queue)
                .register(registry);
    }

    String name() {
        return name;
    }

    /** The queue consumed. */
    String queue() {
        return queue;
    }

    String label() {
        return label;
    }

    Role role() {
        return role;
    }

    /** When a consumer is registered on the broker. */
    enum Role {
        /** At once on connect: an unsharded queue, or a shard that is this replica's. */
        PREFERRED,
        /** After {@code messaging.replica.standby-delay}: a shard that is another replica's, taken if it is away. */
        STANDBY,
        /** The queue an unsharded build left, drained if the broker still has it; readiness does not wait for it. */
        DRAIN
    }

    MessagingConfig.Consumer config() {
        return config;
    }

    // ---------------------------------------------------------------- called by Consumers (any thread)

    /** A delivery from the broker (on the client's dispatch thread). */
    void deliver(Delivery delivery) {
        if (!active && delivery.channel() == channel) {
            active = true; // written once per registration, not on every delivery
        }
        root.runOnContext(v -> {
            queued.add(delivery);
            updateHeld();
            pump();
        });
    }

    /** The consumer is registered on the current connection (or no longer is). */
    void consuming(boolean on) {
        consuming = on;
    }

    boolean isConsuming() {
        return consuming;
    }

    /** Registered on the broker on {@code channel}; not known to be the active consumer until something comes. */
    void registered(Channel channel) {
        this.channel = channel;
        active = false;
    }

    Channel channel() {
        return channel;
    }

    /** Whether the broker has delivered to this consumer since it registered: it is the shard's active consumer. */
    boolean active() {
        return active;
    }

    /**
     * Starts nothing more until {@link #resume()} (a shard being handed over); completes when no handler runs, and
     * so once every message started has been settled.
     */
    CompletableFuture<Void> pause() {
        var done = new CompletableFuture<Void>();
        root.runOnContext(v -> {
            paused = true;
            quiet = done;
            whenQuiet();
        });
        return done;
    }

    /** Starts again; what a channel closed meanwhile delivered and this consumer had not started is dropped. */
    void resume() {
        root.runOnContext(v -> {
            paused = false;
            quiet = null;
            queued.removeIf(d -> !d.live());
            updateHeld();
            pump();
        });
    }

    /** The connection went away: what it delivered and has not started is the broker's again. */
    void abandon() {
        consuming = false;
        active = false;
        root.runOnContext(v -> {
            queued.removeIf(d -> !d.live());
            for (var list : parked.values()) {
                list.removeIf(d -> !d.live());
            }
            parked.values().removeIf(List::isEmpty);
            parkedCount = parked.values().stream().mapToInt(List::size).sum();
            updateHeld();
        });
    }

    /** Starts nothing more; deliveries not started yet go back to the broker with the connection. */
    void stop() {
        running = false;
        root.runOnContext(v -> {
            queued.clear();
            updateHeld();
        });
    }

    /** Whether a handler is running (shutdown waits for it). */
    boolean busy() {
        return inFlight > 0;
    }

    int held() {
        return held;
    }

    boolean idle() {
        return held == 0;
    }

    /** Seconds since this consumer last settled a message while holding some, or -1 when it is not stalled. */
    long stalledSeconds(Duration timeout) {
        var h = held;
        var quiet = System.nanoTime() - lastProgress;
        if (h == 0 || quiet < timeout.toNanos()) {
            if (reportedStalled) {
                reportedStalled = false;
                Log.infof("messaging: consumer %s makes progress again", label);
            }
            return -1;
        }
        var seconds = TimeUnit.NANOSECONDS.toSeconds(quiet);
        if (!reportedStalled) {
            reportedStalled = true;
            Log.warnf("messaging: consumer %s holds %d unacknowledged messages and has settled none for %d s "
                    + "(readiness DOWN until it does)", label, h, seconds);
        }
        return seconds;
    }

    // ---------------------------------------------------------------- on the consumer's context

    private void pump() {
        while (!paused && inFlight < config.concurrency() && !queued.isEmpty()) {
            var delivery = queued.poll();
            if (delivery.live() && running) {
                start(delivery);
            }
        }
        updateHeld();
    }

    private void start(Delivery delivery) {
        if (delivery.redelivered()) {
            redelivered.increment();
        }
        ContractMessage message;
        try {
            message = MessageCodec.decode(delivery.body(), contractExchange, delivery.routingKey());
        } catch (MessageCodec.MalformedMessageException e) {
            // the codec's message names the parser's exception class and the JSON path, never the data
            Log.warnf("Dead-lettering malformed message on %s (%s): %s", label, delivery.routingKey(), e.getMessage());
            count(delivery.routingKey(), "malformed");
            settle(delivery, AckWriter.Outcome.REJECT);
            progress();
            return;
        }
        var id = message.envelope().messageId();
        if (handling.contains(id)) {
            // a redelivered copy of a message still being handled (its connection was lost): after that handling
            // ends it meets the inbox
            parked.computeIfAbsent(id, k -> new ArrayList<>()).add(delivery);
            parkedCount++;
            return;
        }
        handling.add(id);
        inFlight++;
        attempt(delivery, message, new Attempts(), System.nanoTime());
    }

    /** What one delivery's handling has got through so far, across its retries in place. */
    private static final class Attempts {
        int count = 1;
        /** The handler succeeded: a retry only records the message in the inbox, it never handles it again. */
        volatile boolean handlerDone;
    }

    private void attempt(Delivery delivery, ContractMessage message, Attempts attempts, long started) {
        var context = VertxContext.createNewDuplicatedContext(root);
        VertxContextSafetyToggle.setContextSafe(context, true);
        Causation.begin(context, name, message.envelope().messageId());
        context.runOnContext(v -> handleOnce(message, attempts).subscribe().with(
                outcome -> root.runOnContext(x -> handled(delivery, message, outcome, started)),
                failure -> root.runOnContext(x -> failed(delivery, message, failure, attempts, started))));
    }

    private Uni<String> handleOnce(ContractMessage message, Attempts attempts) {
        var id = message.envelope().messageId();
        if (inbox == null) {
            return Uni.createFrom().deferred(() -> handler.handle(message)).replaceWith("handled");
        }
        if (attempts.handlerDone) {
            // the handler's work is done (its replies sent); only the inbox record failed, e.g. PostgreSQL restarting
            return inbox.record(id, name).replaceWith("handled");
        }
        return inbox.seen(id, name).flatMap(seen -> seen
                ? Uni.createFrom().item("duplicate")
                : Uni.createFrom().deferred(() -> handler.handle(message))
                        .invoke(() -> attempts.handlerDone = true)
                        .flatMap(x -> inbox.record(id, name))
                        .replaceWith("handled"));
    }

    private void handled(Delivery delivery, ContractMessage message, String outcome, long started) {
        count(delivery.routingKey(), outcome);
        settle(delivery, AckWriter.Outcome.ACK);
        done(message, started);
    }

    private void failed(Delivery delivery, ContractMessage message, Throwable failure, Attempts attempts,
                        long started) {
        var attempt = attempts.count;
        var routingKey = delivery.routingKey();
        if (failure instanceof RejectedMessage rejected) {
            Log.warnf("Dead-lettering %s on %s: %s", routingKey, label, rejected.reason());
            count(routingKey, "rejected");
            settle(delivery, AckWriter.Outcome.REJECT);
            done(message, started);
            return;
        }
        if (!delivery.live() || !running) {
            // its connection is gone (or we are stopping): the broker delivers it again
            count(routingKey, "abandoned");
            done(message, started);
            return;
        }
        if (Failures.isTransient(failure) || attempts.handlerDone) {
            // once handled, only the inbox record is left: retried in place, as requeueing would handle it again
            retries.increment();
            var delay = backoff(attempt);
            if (attempt == 1 || attempt % 10 == 0) {
                Log.warnf("Handling %s on %s failed (%s, attempt %d); retrying in %d ms", routingKey, label,
                        failure.getClass().getSimpleName(), attempt, delay);
            }
            vertx.setTimer(delay, t -> root.runOnContext(x -> {
                if (delivery.live() && running) {
                    attempts.count++;
                    attempt(delivery, message, attempts, started);
                } else {
                    count(routingKey, "abandoned");
                    done(message, started);
                }
            }));
            return;
        }
        Log.warnf("Handling %s on %s failed, requeueing: %s", routingKey, label, failure.toString());
        count(routingKey, "failed");
        settle(delivery, AckWriter.Outcome.REQUEUE);
        done(message, started);
    }

    private long backoff(int attempt) {
        var exponential = initialBackoffMillis << Math.min(20, attempt - 1);
        var capped = Math.min(maxBackoffMillis, exponential);
        // a little jitter, so replicas retrying against the same restarting server do not move in step
        return capped + ThreadLocalRandom.current().nextLong(Math.max(1, capped / 5));
    }

    private void done(ContractMessage message, long started) {
        handlerTime.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        var id = message.envelope().messageId();
        handling.remove(id);
        inFlight--;
        var waiting = parked.remove(id);
        if (waiting != null) {
            parkedCount -= waiting.size();
            for (int i = waiting.size() - 1; i >= 0; i--) {
                queued.addFirst(waiting.get(i));
            }
        }
        progress();
        pump();
        whenQuiet();
    }

    private void whenQuiet() {
        if (quiet != null && inFlight == 0) {
            quiet.complete(null);
            quiet = null;
        }
    }

    private void settle(Delivery delivery, AckWriter.Outcome outcome) {
        if (delivery.live()) {
            acks.settle(delivery, outcome);
        }
    }

    private void progress() {
        lastProgress = System.nanoTime();
        updateHeld();
    }

    private void updateHeld() {
        var now = queued.size() + inFlight + parkedCount;
        if (held == 0 && now > 0) {
            lastProgress = System.nanoTime(); // a busy period starts: measure the stall from here
        }
        held = now;
    }

    private void count(String routingKey, String outcome) {
        // looked up once per combination: a registry lookup builds and sorts its tags on every call
        consumed.computeIfAbsent(routingKey + '\u0000' + outcome, k -> Counter.builder("messages.consumed")
                .description("Messages consumed, by outcome")
                .tags("channel", name, "queue", queue, "type", routingKey, "outcome", outcome).register(registry))
                .increment();
    }
}
