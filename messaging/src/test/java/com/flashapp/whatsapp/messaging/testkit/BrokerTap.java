package com.flashapp.whatsapp.messaging.testkit;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;


/**
 * Sees what the application under test publishes: a temporary exclusive queue bound to each exchange (all keys, or
 * the given binding keys), read and decoded on demand. Messages that are not contract messages of that exchange
 * (another test's traffic) are skipped.
 */
public final class BrokerTap implements AutoCloseable {

    /** A message published to {@code exchange} with {@code routingKey}, and its AMQP properties. */
    public record Seen(String exchange, String routingKey, ContractMessage message, AMQP.BasicProperties properties) {
    }

    private final Connection connection;
    private final Channel channel;
    private final List<String[]> queues = new ArrayList<>();
    private final List<Seen> seen = new ArrayList<>();
    private final java.util.Set<String> sentinels = new java.util.HashSet<>();
    private static final String SENTINEL = "tap-sentinel";

    private BrokerTap() throws Exception {
        connection = TestBroker.factory().newConnection("test-tap");
        channel = connection.createChannel();
    }

    /** Taps every message published to the exchanges. */
    public static BrokerTap on(String... exchanges) {
        try {
            var tap = new BrokerTap();
            for (var exchange : exchanges) {
                tap.bind(exchange, "#");
            }
            return tap;
        } catch (Exception e) {
            throw new IllegalStateException("cannot tap " + String.join(", ", exchanges), e);
        }
    }

    /** Also taps {@code exchange} for the binding key. */
    public BrokerTap and(String exchange, String bindingKey) {
        try {
            bind(exchange, bindingKey);
            return this;
        } catch (Exception e) {
            throw new IllegalStateException("cannot tap " + exchange, e);
        }
    }

    private void bind(String exchange, String bindingKey) throws Exception {
        channel.exchangeDeclare(exchange, "topic", true);
        var queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, exchange, bindingKey);
        queues.add(new String[]{exchange, queue});
    }

    /** Everything seen so far. */
    public synchronized List<Seen> all() {
        drain();
        return List.copyOf(seen);
    }

    /** The messages of a type seen so far that match. */
    public synchronized <T extends ContractMessage> List<T> messages(Class<T> type, Predicate<? super T> filter) {
        drain();
        return seen.stream().map(Seen::message).filter(type::isInstance).map(type::cast).filter(filter::test)
                .toList();
    }

    /** The first message of a type that matches, waiting for it (20 s). */
    public <T extends ContractMessage> T await(Class<T> type, Predicate<? super T> filter) {
        return await(type, filter, Duration.ofSeconds(20));
    }

    public <T extends ContractMessage> T await(Class<T> type, Predicate<? super T> filter, Duration timeout) {
        return org.awaitility.Awaitility.await().atMost(timeout)
                .until(() -> messages(type, filter), list -> !list.isEmpty()).get(0);
    }

    /** Like {@link #await} but removes the message it returns, so the next call finds the next one. */
    public <T extends ContractMessage> T take(Class<T> type, Predicate<? super T> filter, Duration timeout) {
        return org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> takeNow(type, filter), m -> m != null);
    }

    private synchronized <T extends ContractMessage> T takeNow(Class<T> type, Predicate<? super T> filter) {
        drain();
        for (var it = seen.iterator(); it.hasNext(); ) {
            var message = it.next().message();
            if (type.isInstance(message) && filter.test(type.cast(message))) {
                it.remove();
                return type.cast(message);
            }
        }
        return null;
    }

    /** Waits until at least {@code count} messages of a type match; returns them. */
    public <T extends ContractMessage> List<T> awaitCount(Class<T> type, Predicate<? super T> filter, int count,
                                                          Duration timeout) {
        return org.awaitility.Awaitility.await().atMost(timeout)
                .until(() -> messages(type, filter), list -> list.size() >= count);
    }

    /** What was seen so far whose correlation id (AMQP property) is {@code correlationId}. */
    public synchronized List<Seen> seen(String correlationId) {
        drain();
        return seen.stream().filter(x -> correlationId.equals(x.properties().getCorrelationId())).toList();
    }

    /**
     * Waits until everything the broker routed to this tap before now has been read: a sentinel put straight into
     * each tap queue (default exchange, so no service sees it) queues behind it. After this, "not seen" means "not
     * published", not "not arrived yet".
     */
    public void flush() {
        var ids = new ArrayList<String>();
        try {
            for (var q : queues) {
                var id = java.util.UUID.randomUUID().toString();
                ids.add(id);
                channel.basicPublish("", q[1], new AMQP.BasicProperties.Builder().type(SENTINEL).messageId(id).build(),
                        new byte[0]);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot flush the tap", e);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
            synchronized (this) {
                drain();
                return sentinels.containsAll(ids);
            }
        });
    }

    /** Forgets what was seen. */
    public synchronized void clear() {
        drain();
        seen.clear();
    }

    private void drain() {
        try {
            for (var q : queues) {
                for (var r = channel.basicGet(q[1], true); r != null; r = channel.basicGet(q[1], true)) {
                    var key = r.getEnvelope().getRoutingKey();
                    try {
                        if (SENTINEL.equals(r.getProps().getType())) {
                            sentinels.add(r.getProps().getMessageId());
                            continue;
                        }
                        seen.add(new Seen(q[0], key, MessageCodec.decode(r.getBody(), q[0], key), r.getProps()));
                    } catch (MessageCodec.MalformedMessageException | IllegalArgumentException ignored) {
                        // another test's traffic on a shared exchange: not ours to judge
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the tap", e);
        }
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
