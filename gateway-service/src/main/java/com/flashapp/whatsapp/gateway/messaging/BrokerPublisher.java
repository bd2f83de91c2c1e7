package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConfirmListener;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * Publishes contract messages to the gateway's exchanges. The returned {@link Uni} completes only when the
 * broker has confirmed the message (publisher confirms), so a caller can answer Twilio 200 knowing the message
 * is durably queued, and fails when the broker refuses it, the connection is lost before the confirm, or the broker
 * cannot be reached (the caller's own timeout covers a confirm that never comes).
 *
 * <p>Why not a SmallRye emitter: every webhook publishes one message and waits for its confirm, and the
 * connector's per-message work (message and metadata wrapping, channel-config lookups, a worker-thread hop per
 * publish in the Vert.x client) cost more CPU than the rest of the webhook. Here one AMQP connection with one
 * confirm-mode channel is owned by one publisher thread: callers hand messages over through a bounded queue (never
 * blocking the event loop, even when the broker pushes back), the thread publishes whatever has queued up in one
 * go, and the broker's confirms (which may cover many messages at once) complete each caller on its own Vert.x
 * context.
 */
@ApplicationScoped
public class BrokerPublisher {

    /** The exchanges the gateway publishes to (each declared topic + durable, as every service declares them). */
    static final Set<String> EXCHANGES = Set.of(Exchanges.WHATSAPP_INBOUND, Exchanges.WHATSAPP_DELIVERY,
            Exchanges.FLASH_EVENTS, Exchanges.WHATSAPP_OUTBOUND);

    /** A message waiting to be published, then for its confirm. */
    private record Pending(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body,
                           UniEmitter<? super Void> emitter, Context context) {

        void complete(Throwable failure) {
            // back on the caller's event loop, so its Redis call and HTTP answer continue where they started
            if (context != null) {
                context.runOnContext(x -> emit(failure));
            } else {
                emit(failure);
            }
        }

        private void emit(Throwable failure) {
            if (failure == null) {
                emitter.complete(null);
            } else {
                emitter.fail(failure);
            }
        }
    }

    /** Why a publish failed; no stack trace: the caller answers 503 and the cause is logged there. */
    public static final class PublishFailed extends RuntimeException {
        PublishFailed(String message) {
            super(message, null, false, false);
        }
    }

    private final ConnectionFactory factory;
    private final String exchangePrefix;
    private final long reconnectIntervalNanos;
    private final BlockingQueue<Pending> queue;
    private final ConcurrentNavigableMap<Long, Pending> unconfirmed = new ConcurrentSkipListMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection connection;
    private Channel channel;
    private long lastConnectAttempt;
    // each connection gets its own name (instance + generation), so an operator (or a test) can tell them apart
    private final String instance = UUID.randomUUID().toString().substring(0, 8);
    private int generation;
    private volatile String connectionName;

    public BrokerPublisher(GatewayConfig config,
                           @ConfigProperty(name = "rabbitmq-host") String host,
                           @ConfigProperty(name = "rabbitmq-port") int port,
                           @ConfigProperty(name = "rabbitmq-username") String username,
                           @ConfigProperty(name = "rabbitmq-password") String password,
                           @ConfigProperty(name = "rabbitmq-virtual-host") String virtualHost,
                           @ConfigProperty(name = "rabbitmq-reconnect-interval") int reconnectIntervalSeconds) {
        this.factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout((int) config.publisher().connectTimeout().toMillis());
        // this class reconnects itself (and fails what was in flight), so the client's own recovery stays off
        factory.setAutomaticRecoveryEnabled(false);
        this.exchangePrefix = config.publisher().exchangePrefix().orElse("");
        this.reconnectIntervalNanos = TimeUnit.SECONDS.toNanos(reconnectIntervalSeconds);
        this.queue = new ArrayBlockingQueue<>(config.publisher().maxPending());
        this.thread = new Thread(this::loop, "gateway-broker-publisher");
        thread.setDaemon(true);
    }

    void start(@Observes StartupEvent event) {
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection("shutting down");
        var left = new ArrayList<Pending>();
        queue.drainTo(left);
        failAll(left, "shutting down");
    }

    /** True while the publisher holds an open connection to the broker (readiness). */
    public boolean connected() {
        var c = connection;
        return c != null && c.isOpen();
    }

    /** The client-provided name of the current broker connection ({@code gateway-service-publisher-<id>#<n>}). */
    public String connectionName() {
        return connectionName;
    }

    /** Publishes persistently with the message's routing key; completes on the broker's confirm. */
    public Uni<Void> publish(String exchange, ContractMessage message) {
        if (!EXCHANGES.contains(exchange)) {
            return Uni.createFrom().failure(new IllegalArgumentException("gateway does not publish to " + exchange));
        }
        var envelope = message.envelope();
        var properties = new AMQP.BasicProperties.Builder()
                .contentType("application/json")
                .deliveryMode(2)
                .messageId(envelope.messageId().toString())
                .correlationId(envelope.correlationId())
                .timestamp(Date.from(envelope.occurredAt()))
                .build();
        var body = MessageCodec.encode(message);
        return Uni.createFrom().emitter(emitter -> {
            var pending = new Pending(exchangePrefix + exchange, message.routingKey(), properties, body, emitter,
                    Vertx.currentContext());
            if (!running || !queue.offer(pending)) {
                // the broker is away or far behind: answer 503 now rather than buffer without bound
                emitter.fail(new PublishFailed("publish queue full"));
            }
        });
    }

    private void loop() {
        var batch = new ArrayList<Pending>();
        while (running) {
            try {
                if (connection == null) {
                    channel = null; // lost: the shutdown listener already failed what it had in flight
                    connectWhenDue();
                }
                var first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch);
                publishAll(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                Log.errorf("broker publisher: unexpected %s", e.toString());
                failAll(batch, "unexpected failure");
            } finally {
                batch.clear();
            }
        }
    }

    private void publishAll(List<Pending> batch) {
        if (connection == null) {
            channel = null;
        }
        if (channel == null && !connectWhenDue()) {
            failAll(batch, "broker unavailable");
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            var p = batch.get(i);
            try {
                var seqNo = channel.getNextPublishSeqNo();
                unconfirmed.put(seqNo, p);
                channel.basicPublish(p.exchange(), p.routingKey(), false, p.properties(), p.body());
            } catch (Exception e) {
                // the connection broke mid-batch: what was published waits for a confirm that will not come
                Log.warnf("broker publish failed: %s", e.getClass().getSimpleName());
                closeConnection("publish failed");
                failAll(batch.subList(i, batch.size()), "broker connection lost");
                return;
            }
        }
    }

    /** Connects unless an attempt failed less than a reconnect interval ago; true when connected. */
    private boolean connectWhenDue() {
        var now = System.nanoTime();
        if (lastConnectAttempt != 0 && now - lastConnectAttempt < reconnectIntervalNanos) {
            return false;
        }
        lastConnectAttempt = now;
        Connection c = null;
        try {
            var name = "gateway-service-publisher-" + instance + "#" + (++generation);
            c = factory.newConnection(name);
            var ch = c.createChannel();
            for (var exchange : EXCHANGES) {
                ch.exchangeDeclare(exchangePrefix + exchange, "topic", true);
            }
            ch.confirmSelect();
            ch.addConfirmListener(new ConfirmListener() {
                @Override
                public void handleAck(long deliveryTag, boolean multiple) {
                    confirmed(deliveryTag, multiple, null);
                }

                @Override
                public void handleNack(long deliveryTag, boolean multiple) {
                    confirmed(deliveryTag, multiple, new PublishFailed("broker refused the message"));
                }
            });
            var opened = c;
            c.addShutdownListener(cause -> {
                // only a connection lost under us; closeConnection() clears the field before it closes one
                if (connection == opened) {
                    Log.warnf("broker connection lost: %s", cause.getMessage());
                    failUnconfirmed("broker connection lost");
                    connection = null;
                }
            });
            connectionName = name;
            connection = c;
            channel = ch;
            lastConnectAttempt = 0;
            Log.infof("broker publisher connected to %s:%d", factory.getHost(), factory.getPort());
            return true;
        } catch (Exception e) {
            Log.warnf("broker publisher cannot connect to %s:%d: %s", factory.getHost(), factory.getPort(),
                    e.getClass().getSimpleName());
            if (c != null) {
                c.abort(1000);
            }
            return false;
        }
    }

    private void confirmed(long deliveryTag, boolean multiple, Throwable failure) {
        if (multiple) {
            var head = unconfirmed.headMap(deliveryTag, true);
            for (var entry : head.entrySet()) {
                if (head.remove(entry.getKey()) != null) {
                    entry.getValue().complete(failure);
                }
            }
        } else {
            var p = unconfirmed.remove(deliveryTag);
            if (p != null) {
                p.complete(failure);
            }
        }
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
        // delivery tags restart on a new channel: nothing waiting here can be confirmed any more
        for (var key : unconfirmed.keySet()) {
            var p = unconfirmed.remove(key);
            if (p != null) {
                p.complete(new PublishFailed(why));
            }
        }
    }

    private static void failAll(List<Pending> pending, String why) {
        for (var p : pending) {
            p.complete(new PublishFailed(why));
        }
    }
}
