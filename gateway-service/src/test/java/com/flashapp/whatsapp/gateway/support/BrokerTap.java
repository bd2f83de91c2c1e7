package com.flashapp.whatsapp.gateway.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;


/**
 * An exclusive, server-named queue bound to one exchange, collecting everything routed to it (other engineers'
 * tests publish to the same exchanges, so assertions filter by this test's ids). {@link #drain()} proves that
 * nothing more is coming: it publishes a sentinel after everything of interest was confirmed and waits for it.
 */
public final class BrokerTap implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;
    private final String queue;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    private BrokerTap(String exchange, String bindingKey) throws Exception {
        this.connection = new ConnectionFactory().newConnection("gateway-test-tap");
        this.channel = connection.createChannel();
        this.queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, exchange, bindingKey);
        channel.basicConsume(queue, true, (tag, delivery) -> deliveries.add(delivery), tag -> { });
    }

    public static BrokerTap on(String exchange, String bindingKey) {
        try {
            return new BrokerTap(exchange, bindingKey);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Messages of {@code type} seen so far that match {@code filter}. */
    public <T extends ContractMessage> List<T> messages(Class<T> type, Predicate<T> filter) {
        return deliveries.stream()
                .filter(d -> !"sentinel".equals(d.getProperties().getType()))
                .map(d -> {
                    try {
                        return MessageCodec.decode(d.getBody(), type);
                    } catch (RuntimeException e) {
                        return null;
                    }
                })
                .filter(m -> m != null && filter.test(m))
                .toList();
    }

    /** Deliveries (with routing keys) whose correlation id is {@code correlationId}. */
    public List<Delivery> deliveries(String correlationId) {
        return deliveries.stream().filter(d -> correlationId.equals(d.getProperties().getCorrelationId())).toList();
    }

    /** Waits until at least one matching message arrived, and returns them all. */
    public <T extends ContractMessage> List<T> await(Class<T> type, Predicate<T> filter) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> messages(type, filter), l -> !l.isEmpty());
    }

    /**
     * Puts a sentinel straight into this tap's queue (default exchange, so no other service's queue sees it) and
     * waits for it: whatever the broker confirmed before is queued ahead of it, so it has been received.
     */
    public void drain() {
        var id = UUID.randomUUID().toString();
        try {
            channel.basicPublish("", queue,
                    new AMQP.BasicProperties.Builder().type("sentinel").messageId(id).build(),
                    "{}".getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> deliveries.stream()
                .anyMatch(d -> id.equals(d.getProperties().getMessageId())));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception ignored) {
            // exclusive queue goes with the connection
        }
    }
}
