package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.WireHeaders;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Publishes contract messages persistently with publisher confirms. The returned {@link Uni} completes when the
 * broker confirmed the message, and fails when the broker refused it, the connection was lost before the confirm,
 * the publish queue is full, or no confirm came within the time-out — it never hangs: a caller (a consumer's
 * handler, an outbox relay, a webhook) always learns the outcome and retries or reports it. A message that failed
 * may still have reached the broker (its confirm was lost with the connection); publishing it again is safe because
 * every consumer drops message ids it has seen.
 *
 * <p>One connection with one confirm-mode channel, owned by one publisher thread: callers hand messages over through
 * a queue (never blocking the event loop), the thread publishes whatever has queued up in one go, and the broker's
 * confirms (often one for many messages) complete each caller on its own Vert.x context. While the broker is away
 * messages wait in the queue until their time-out, and the thread reconnects every {@code reconnect-interval}.
 */
@ApplicationScoped
public class Publisher {

    /** Why a publish failed; no stack trace (the caller logs the reason). */
    public static final class PublishFailed extends RuntimeException {
        private final String reason;

        PublishFailed(String reason) {
            super(reason, null, false, false);
            this.reason = reason;
        }

        /** {@code nack}, {@code connection-lost}, {@code timeout}, {@code queue-full} or {@code shutdown}. */
        public String reason() {
            return reason;
        }
    }

    /** A message waiting to be published, then for its confirm. */
    private final class Pending {
        final String exchange;
        final String routingKey;
        final AMQP.BasicProperties properties;
        final byte[] body;
        final UniEmitter<? super Void> emitter;
        final Context context;
        final long enqueued = System.nanoTime();
        final long deadline;

        Pending(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
                UniEmitter<? super Void> emitter, Context context, Duration timeout) {
            this.exchange = exchange;
            this.routingKey = routingKey;
            this.properties = properties;
            this.body = body;
            this.emitter = emitter;
            this.context = context;
            this.deadline = enqueued + timeout.toNanos();
        }

        void complete(String failure) {
            if (failure == null) {
                publishTime.record(System.nanoTime() - enqueued, TimeUnit.NANOSECONDS);
            } else {
                failures.computeIfAbsent(failure, r -> Counter.builder("messaging.publish.failures")
                        .description("Publishes that failed, by reason").tag("reason", r).register(registry))
                        .increment();
            }
            // back on the caller's context, so its next step runs where it started
            if (context != null) {
                context.runOnContext(x -> emit(failure));
            } else {
                emit(failure);
            }
        }

        private void emit(String failure) {
            if (failure == null) {
                emitter.complete(null);
            } else {
                emitter.fail(new PublishFailed(failure));
            }
        }
    }

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final BrokerSettings settings;
    private final Set<String> exchanges;
    private final Duration defaultTimeout;
    private final int maxPending;
    private final long reconnectNanos;
    private final MeterRegistry registry;
    private final Timer publishTime;
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final Thread thread;
    private volatile boolean running;
    private volatile Connection connection;
    private volatile String connectionName;
    private Channel channel;
    private long lastAttempt;
    private int generation;

    public Publisher(BrokerSettings settings, MessagingConfig config, MeterRegistry registry) {
        this.settings = settings;
        this.exchanges = Set.copyOf(config.publisher().exchanges().orElse(List.of()));
        this.defaultTimeout = config.publisher().confirmTimeout();
        this.maxPending = config.publisher().maxPending();
        this.reconnectNanos = config.reconnectInterval().toNanos();
        this.registry = registry;
        this.publishTime = Timer.builder("messaging.publish.time")
                .description("From handing a message over to the broker's confirm")
                .publishPercentileHistogram().register(registry);
        registry.gauge("messaging.publish.pending", waiting);
        this.thread = new Thread(this::loop, "messaging-publisher");
        thread.setDaemon(true);
    }

    // started before the consumers (which publish from their handlers) and before HTTP traffic
    void start(@Observes @Priority(10) StartupEvent event) {
        if (exchanges.isEmpty()) {
            return; // this service publishes nothing
        }
        running = true;
        thread.start();
    }

    void stop(@Observes @Priority(20) ShutdownEvent event) {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection("shutdown");
        var left = new ArrayList<Pending>();
        queue.drainTo(left);
        left.forEach(p -> fail(p, "shutdown"));
    }

    /** Whether this service publishes to {@code exchange} (declared in {@code messaging.publisher.exchanges}). */
    public boolean publishesTo(String exchange) {
        return exchanges.contains(exchange);
    }

    /** True while the publisher holds an open connection (readiness); true too when it publishes nothing. */
    public boolean connected() {
        if (exchanges.isEmpty()) {
            return true;
        }
        var c = connection;
        return c != null && c.isOpen();
    }

    /** Whether this service publishes at all. */
    boolean enabled() {
        return !exchanges.isEmpty();
    }

    /** Messages handed over and not yet confirmed or failed. */
    public int pending() {
        return waiting.get();
    }

    /** The client-provided name of the current connection ({@code <app>-publisher-<id>#<n>}). */
    public String connectionName() {
        return connectionName;
    }

    /** Publishes with the message's routing key; completes on the broker's confirm, within the default time-out. */
    public Uni<Void> publish(String exchange, ContractMessage message) {
        return publish(exchange, message, defaultTimeout);
    }

    /** Publishes with the message's routing key; fails if no confirm came within {@code timeout}. */
    public Uni<Void> publish(String exchange, ContractMessage message, Duration timeout) {
        var envelope = message.envelope();
        return publish(exchange, message.routingKey(), envelope.messageId(), envelope.correlationId(),
                envelope.userRef(), MessageCodec.encode(message), timeout);
    }

    /** Publishes bytes encoded earlier (an outbox relay); completes on the broker's confirm. */
    public Uni<Void> publish(String exchange, String routingKey, UUID messageId, String correlationId, byte[] body) {
        return publish(exchange, routingKey, messageId, correlationId, MessageCodec.userRef(body), body,
                defaultTimeout);
    }

    private Uni<Void> publish(String exchange, String routingKey, UUID messageId, String correlationId,
                              String userRef, byte[] body, Duration timeout) {
        if (!exchanges.contains(exchange)) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "not a declared exchange of this service (messaging.publisher.exchanges): " + exchange));
        }
        var properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(messageId.toString())
                .correlationId(correlationId)
                .timestamp(new Date())
                // sharded queues hash it (MessagingConfig.Consumer#shards): one user's messages on one shard
                .headers(Map.of(WireHeaders.USER, userRef == null || userRef.isBlank() ? messageId.toString()
                        : userRef))
                .build();
        var target = settings.exchange(exchange);
        return Uni.createFrom().emitter(emitter -> {
            var pending = new Pending(target, routingKey, properties, body, emitter, Vertx.currentContext(), timeout);
            if (!running) {
                pending.complete("shutdown");
            } else if (waiting.incrementAndGet() > maxPending) {
                waiting.decrementAndGet();
                pending.complete("queue-full");
            } else {
                queue.add(pending);
            }
        });
    }

    private void loop() {
        // messages taken from the queue and not yet published, in the order they came (held while the broker is away)
        var held = new ArrayDeque<Pending>();
        while (running) {
            try {
                if (connection == null) {
                    channel = null; // lost: its shutdown listener failed what was unconfirmed
                }
                if (channel == null) {
                    connectWhenDue();
                }
                if (held.isEmpty() || channel == null) {
                    var first = queue.poll(POLL_NANOS, TimeUnit.NANOSECONDS);
                    if (first != null) {
                        held.add(first);
                    }
                }
                queue.drainTo(held);
                if (channel != null) {
                    publishAll(held);
                }
                expire(held);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.errorf("messaging publisher: unexpected %s", e.toString());
                closeConnection("connection-lost");
            }
        }
        held.forEach(p -> fail(p, "shutdown"));
    }

    /** Publishes what is held, in order; on a broken connection the rest stays held for the next connection. */
    private void publishAll(ArrayDeque<Pending> held) {
        while (!held.isEmpty()) {
            var p = held.peek();
            try {
                var seqNo = channel.getNextPublishSeqNo();
                unconfirmed.put(seqNo, p);
                channel.basicPublish(p.exchange, p.routingKey, false, p.properties, p.body);
                held.poll();
            } catch (Exception e) {
                // the connection broke: this one (and what was published before) waits for a confirm that will not
                // come, and fails with the connection; the rest goes out on the next connection
                held.poll();
                Log.warnf("messaging publisher: publish failed (%s), reconnecting", e.getClass().getSimpleName());
                closeConnection("connection-lost");
                return;
            }
        }
    }

    /** Fails messages whose time-out passed while held or unconfirmed; a late confirm for them is ignored. */
    private void expire(ArrayDeque<Pending> held) {
        var now = System.nanoTime();
        for (var entry : unconfirmed.entrySet()) {
            var p = entry.getValue();
            if (now - p.deadline >= 0 && unconfirmed.remove(entry.getKey(), p)) {
                fail(p, "timeout");
            }
        }
        held.removeIf(p -> {
            if (now - p.deadline >= 0) {
                fail(p, "timeout");
                return true;
            }
            return false;
        });
    }

    private void fail(Pending p, String reason) {
        waiting.decrementAndGet();
        p.complete(reason);
    }

    /** Connects unless an attempt failed less than a reconnect interval ago; true when connected. */
    private boolean connectWhenDue() {
        if (channel != null) {
            return true;
        }
        var now = System.nanoTime();
        if (lastAttempt != 0 && now - lastAttempt < reconnectNanos) {
            return false;
        }
        lastAttempt = now;
        Connection c = null;
        try {
            var name = settings.connectionName("publisher", instance, ++generation);
            c = settings.factory().newConnection(name);
            var ch = c.createChannel();
            for (var exchange : exchanges) {
                ch.exchangeDeclare(settings.exchange(exchange), "topic", true);
            }
            ch.confirmSelect();
            ch.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long deliveryTag, boolean multiple) {
                    confirmed(deliveryTag, multiple, null);
                }

                @Override
                public void handleNack(long deliveryTag, boolean multiple) {
                    confirmed(deliveryTag, multiple, "nack");
                }
            });
            var opened = c;
            c.addShutdownListener(cause -> {
                // only a connection lost under us; closeConnection() clears the field before it closes one
                if (connection == opened) {
                    Log.warnf("messaging publisher: connection lost: %s", cause.getMessage());
                    connection = null;
                    failUnconfirmed("connection-lost");
                }
            });
            connectionName = name;
            connection = c;
            channel = ch;
            lastAttempt = 0;
            Log.infof("messaging publisher connected to %s as %s", settings.address(), name);
            return true;
        } catch (Exception e) {
            Log.warnf("messaging publisher cannot connect to %s: %s", settings.address(), e.toString());
            if (c != null) {
                c.abort(1000);
            }
            return false;
        }
    }

    private void confirmed(long deliveryTag, boolean multiple, String failure) {
        if (multiple) {
            var head = unconfirmed.headMap(deliveryTag, true);
            for (var entry : head.entrySet()) {
                if (head.remove(entry.getKey(), entry.getValue())) {
                    settle(entry.getValue(), failure);
                }
            }
        } else {
            var p = unconfirmed.remove(deliveryTag);
            if (p != null) {
                settle(p, failure);
            }
        }
    }

    private void settle(Pending p, String failure) {
        waiting.decrementAndGet();
        p.complete(failure);
    }

    private void closeConnection(String why) {
        var c = connection;
        connection = null;
        channel = null;
        if (c != null) {
            try {
                c.abort(1000);
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        failUnconfirmed(why);
    }

    private void failUnconfirmed(String why) {
        // publish sequence numbers restart on a new channel: nothing waiting here can be confirmed any more
        for (var key : unconfirmed.keySet()) {
            var p = unconfirmed.remove(key);
            if (p != null) {
                fail(p, why);
            }
        }
    }
}
