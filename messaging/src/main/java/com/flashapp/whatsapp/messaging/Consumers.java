package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Queues;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every queue this service consumes ({@code messaging.consumers.*}), on one connection of its own with one channel
 * per queue (its prefetch is that queue's {@code prefetch}). A connector thread opens the connection, declares the
 * topology and starts each consumer; when the connection or any of its channels is lost — the broker restarted, a
 * network cut, a channel error, the broker cancelled a consumer — it closes what is left, lets every consumer drop
 * the deliveries that connection brought, and starts again after {@code reconnect-interval}, for as long as the
 * service runs. The RabbitMQ client's own recovery is off: it would keep delivery tags of the old channel valid-looking
 * and hide which deliveries were lost.
 */
@ApplicationScoped
public class Consumers {

    private final BrokerSettings settings;
    private final MessagingConfig config;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final Instance<MessageHandler> handlers;
    private final Instance<Inbox> inboxes;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    /** The shard consumers of each sharded consumer, by name (built once, at start). */
    private final Map<String, List<QueueConsumer>> sharded = new LinkedHashMap<>();
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private final Object signal = new Object();
    private AckWriter acks;
    private Thread connector;
    private volatile boolean running;
    private volatile Connection connection;
    private volatile String connectionName;
    private int generation;

    public Consumers(BrokerSettings settings, MessagingConfig config, Vertx vertx, MeterRegistry registry,
                     @Any Instance<MessageHandler> handlers, Instance<Inbox> inboxes) {
        this.settings = settings;
        this.config = config;
        this.vertx = vertx;
        this.registry = registry;
        this.handlers = handlers;
        this.inboxes = inboxes;
    }

    // after the publisher (handlers publish), before HTTP traffic matters
    void start(@Observes @Priority(20) StartupEvent event) {
        Causation.install();
        for (Map.Entry<String, MessagingConfig.Consumer> entry : config.consumers().entrySet()) {
            var name = entry.getKey();
            var consumer = entry.getValue();
            if (!consumer.enabled()) {
                continue;
            }
            Inbox inbox = null;
            if (consumer.inbox()) {
                if (!inboxes.isResolvable()) {
                    throw new IllegalStateException("messaging.consumers." + name + ".inbox is true but this service "
                            + "has no inbox store (messaging.inbox.store=none); set inbox=false for this consumer");
                }
                inbox = inboxes.get();
            }
            var handler = handlerFor(name);
            if (consumer.shards() <= 1) {
                consumers.add(new QueueConsumer(name, consumer.queue(), name, QueueConsumer.Role.PREFERRED,
                        consumer.exchange(), consumer, handler, inbox, acks(), vertx, config, registry));
                continue;
            }
            var shards = new ArrayList<QueueConsumer>();
            for (int i = 0; i < consumer.shards(); i++) {
                var role = Topology.preferred(i, config.replica()) ? QueueConsumer.Role.PREFERRED
                        : QueueConsumer.Role.STANDBY;
                shards.add(new QueueConsumer(name, Queues.shard(consumer.queue(), i), name + "." + i, role,
                        consumer.exchange(), consumer, handler, inbox, acks(), vertx, config, registry));
            }
            consumers.addAll(shards);
            sharded.put(name, List.copyOf(shards));
            consumers.add(new QueueConsumer(name, consumer.queue(), name + ".unsharded", QueueConsumer.Role.DRAIN,
                    consumer.exchange(), consumer, handler, inbox, acks(), vertx, config, registry));
        }
        if (consumers.isEmpty()) {
            return;
        }
        running = true;
        connector = new Thread(this::connectLoop, "messaging-consumers");
        connector.setDaemon(true);
        connector.start();
    }

    // first of all at shutdown: start nothing new, let the messages being handled finish and be acknowledged, then
    // close; what was delivered and not started goes back to the queue with the connection
    void stop(@Observes @Priority(5) ShutdownEvent event) {
        if (!running) {
            return;
        }
        running = false;
        consumers.forEach(QueueConsumer::stop);
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && consumers.stream().anyMatch(QueueConsumer::busy)) {
            sleep(20);
        }
        acks.drain(2_000);
        synchronized (signal) {
            signal.notifyAll();
        }
        closeConnection();
        acks.stop();
    }

    /** The consumers, for readiness. */
    List<QueueConsumer> all() {
        return List.copyOf(consumers);
    }

    /** Whether the consumer connection is open. */
    boolean connected() {
        var c = connection;
        return c != null && c.isOpen();
    }

    /** The client-provided name of the current consumer connection ({@code <app>-consumers-<id>#<n>}). */
    public String connectionName() {
        return connectionName;
    }

    private AckWriter acks() {
        if (acks == null) {
            acks = new AckWriter();
        }
        return acks;
    }

    private MessageHandler handlerFor(String name) {
        var own = handlers.select(Identifier.Literal.of(name));
        if (own.isResolvable()) {
            return own.get();
        }
        var fallback = handlers.select(Default.Literal.INSTANCE);
        if (fallback.isResolvable()) {
            return fallback.get();
        }
        throw new IllegalStateException("no MessageHandler for messaging consumer " + name
                + ": add a bean qualified @Identifier(\"" + name + "\") or one unqualified handler");
    }

    private void connectLoop() {
        var rebalanceEvery = config.replica().rebalanceInterval().toNanos();
        var nextLook = System.nanoTime() + rebalanceEvery;
        var wait = config.reconnectInterval().toMillis();
        if (rebalanceEvery > 0) {
            wait = Math.min(wait, Math.max(1, config.replica().rebalanceInterval().toMillis()));
        }
        while (running) {
            var c = connection;
            if (c == null) {
                connect();
            } else if (rebalanceEvery > 0 && System.nanoTime() - nextLook >= 0) {
                rebalance(c);
                nextLook = System.nanoTime() + rebalanceEvery;
            }
            synchronized (signal) {
                try {
                    // woken when the connection is lost; otherwise look again after the interval
                    signal.wait(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void connect() {
        Connection c = null;
        try {
            var name = settings.connectionName("consumers", instance, ++generation);
            c = settings.factory().newConnection(name);
            var opened = c;
            c.addShutdownListener(cause -> lost(opened, cause));
            for (var consumer : consumers) {
                if (consumer.role() == QueueConsumer.Role.PREFERRED) {
                    startConsumer(c, consumer, true);
                } else if (consumer.role() == QueueConsumer.Role.DRAIN) {
                    startDrain(c, consumer);
                }
            }
            connectionName = name;
            connection = c;
            if (!c.isOpen()) {
                lost(c, c.getCloseReason());
                return;
            }
            Log.infof("messaging: consuming %d queue(s) from %s as %s", consumers.size(), settings.address(), name);
            standBy(c);
            present(c);
        } catch (Exception e) {
            Log.warnf("messaging: cannot consume from %s: %s", settings.address(), e.toString());
            if (c != null) {
                c.abort(1000);
            }
            consumers.forEach(QueueConsumer::abandon);
        }
    }

    /**
     * Registers on the shards that are other replicas' after {@code standby-delay}, so that a replica starting at the
     * same time registers on its own first and the broker makes it their active consumer; if it is not there, this
     * one is. Runs on the connector thread, which has nothing else to do meanwhile.
     */
    private void standBy(Connection c) throws Exception {
        var standby = consumers.stream().filter(q -> q.role() == QueueConsumer.Role.STANDBY).toList();
        if (standby.isEmpty()) {
            return;
        }
        sleep(config.replica().standbyDelay().toMillis());
        if (connection != c || !c.isOpen() || !running) {
            return; // lost meanwhile: the next connection starts again
        }
        for (var consumer : standby) {
            startConsumer(c, consumer, true);
        }
        Log.infof("messaging: standing by for %d shard(s) of other replicas", standby.size());
    }

    /**
     * Each sharded consumer: when this replica is the active consumer of more shards than its share,
     * {@code ceil(shards / replicas)}, it hands one over ({@code messaging.replica.rebalance-interval}). Runs on the
     * connector thread.
     */
    private void rebalance(Connection c) {
        for (var shards : sharded.values()) {
            try {
                var replicas = replicas(c, shards);
                if (replicas <= 1) {
                    continue; // alone (or not registered on the replicas queue itself): every shard is its share
                }
                var active = shards.stream().filter(QueueConsumer::active).toList();
                var share = (shards.size() + replicas - 1) / replicas;
                if (active.size() > share) {
                    // rather a shard the replica index gives another replica
                    var shard = active.stream().filter(q -> q.role() == QueueConsumer.Role.STANDBY).findFirst()
                            .orElse(active.get(active.size() - 1));
                    Log.infof("messaging: active on %d of %s's %d shards with %d replicas (a share of %d): handing "
                            + "%s over", active.size(), shard.name(), shards.size(), replicas, share, shard.label());
                    handOver(c, shard);
                }
            } catch (Exception e) {
                Log.debugf("messaging: shard balance of %s not looked at: %s", shards.get(0).name(), e.toString());
            }
        }
    }

    /** The replicas of a sharded consumer connected now: the consumers of its {@link Queues#replicas} queue. */
    private static int replicas(Connection c, List<QueueConsumer> shards) throws Exception {
        var probe = c.createChannel();
        try {
            return probe.queueDeclarePassive(Queues.replicas(shards.get(0).config().queue())).getConsumerCount();
        } finally {
            if (probe.isOpen()) {
                probe.close();
            }
        }
    }

    /**
     * Registers this replica on each sharded consumer's {@link Queues#replicas} queue, which nothing is routed to:
     * the broker counts its consumers, one per replica connected.
     */
    private void present(Connection c) {
        for (var entry : sharded.entrySet()) {
            var queue = Queues.replicas(entry.getValue().get(0).config().queue());
            try {
                var channel = c.createChannel();
                channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "classic"));
                channel.basicConsume(queue, false, new DefaultConsumer(channel));
            } catch (Exception e) {
                // e.g. a broker user not allowed the queue yet: the shards are still consumed, only not spread
                Log.warnf("messaging: cannot register on %s (%s); %s's shards are not rebalanced", queue,
                        e.toString(), entry.getKey());
            }
        }
    }

    /**
     * Hands a shard to the next replica waiting on it, in order and once: start nothing more of it, let the running
     * handlers finish and their acks be written, then close its channel — the broker gives the messages delivered
     * and not started, first in the queue, to the next consumer — and register again, last in line.
     */
    private void handOver(Connection c, QueueConsumer shard) throws Exception {
        var timeout = config.replica().handoverTimeout().toMillis();
        try {
            shard.pause().get(timeout, TimeUnit.MILLISECONDS);
            acks.written().get(timeout, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            Log.infof("messaging: %s still busy after %d ms; kept until the next look", shard.label(), timeout);
            shard.resume();
            return;
        } catch (Exception e) {
            shard.resume();
            throw e;
        }
        var channel = shard.channel();
        try {
            if (channel != null && channel.isOpen()) {
                channel.close();
            }
        } catch (Exception e) {
            // closed under us: the broker put its messages back all the same
            Log.debugf("messaging: closing %s: %s", shard.label(), e.toString());
        }
        shard.resume();
        if (connection == c && c.isOpen() && running) {
            startConsumer(c, shard, false);
        }
    }

    /** The queue an unsharded build consumed: unbound and drained, if the broker still has it. */
    private void startDrain(Connection c, QueueConsumer consumer) throws Exception {
        var probe = c.createChannel();
        boolean present;
        try {
            present = Topology.unbindUnsharded(probe, settings.exchange(consumer.config().exchange()),
                    consumer.config());
        } finally {
            if (probe.isOpen()) {
                probe.close();
            }
        }
        if (present) {
            Log.infof("messaging: %s is sharded now; the unsharded queue %s is unbound and drained",
                    consumer.name(), consumer.queue());
            startConsumer(c, consumer, false);
        }
    }

    private void startConsumer(Connection c, QueueConsumer consumer, boolean declare) throws Exception {
        var channel = c.createChannel();
        if (declare) {
            var exchange = settings.exchange(consumer.config().exchange());
            Topology.declare(channel, exchange, consumer.config(), config.maxDeliveries());
        }
        channel.basicQos(consumer.config().prefetch());
        var generationOfChannel = generation;
        consumer.registered(channel);
        channel.addShutdownListener(cause -> {
            if (!cause.isHardError() && !cause.isInitiatedByApplication() && c.isOpen()) {
                // a channel error (e.g. an ack the broker did not accept): start everything afresh
                Log.warnf("messaging: channel of %s closed by the broker: %s; reconnecting", consumer.label(),
                        cause.getMessage());
                c.abort(1000);
            }
        });
        channel.basicConsume(consumer.queue(), false, new DefaultConsumer(channel) {
            @Override
            public void handleConsumeOk(String consumerTag) {
                consumer.consuming(true);
            }

            @Override
            public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties,
                                       byte[] body) {
                consumer.deliver(new Delivery(channel, generationOfChannel, envelope.getDeliveryTag(),
                        envelope.isRedeliver(), envelope.getRoutingKey(), properties, body));
            }

            @Override
            public void handleCancel(String consumerTag) {
                // the broker cancelled us (queue deleted, node going down): declare and consume again
                Log.warnf("messaging: the broker cancelled the consumer of %s; reconnecting", consumer.label());
                consumer.consuming(false);
                c.abort(1000);
            }
        });
    }

    private void lost(Connection c, ShutdownSignalException cause) {
        if (connection != null && connection != c) {
            return; // an older connection
        }
        connection = null;
        consumers.forEach(QueueConsumer::abandon);
        if (running && cause != null && !cause.isInitiatedByApplication()) {
            Log.warnf("messaging: consumer connection lost (%s); reconnecting every %d ms", cause.getMessage(),
                    config.reconnectInterval().toMillis());
        }
        synchronized (signal) {
            signal.notifyAll();
        }
    }

    private void closeConnection() {
        var c = connection;
        connection = null;
        if (c != null) {
            try {
                c.close(2000);
            } catch (Exception e) {
                c.abort(1000);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
