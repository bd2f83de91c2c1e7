package com.flashapp.whatsapp.aisupport.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.function.Predicate;


/**
 * A test's own view of the broker: publishes as command-service would, and listens on private, auto-deleted queues
 * bound to our output exchanges (so other services' consumers are untouched), filtering by the test's own ids.
 */
public final class BrokerProbe implements AutoCloseable {

    private static final int MAX_BUFFERED = 2_000;

    private final Connection connection;
    private final Channel channel;
    // messages read while looking for another one: kept, so waiting for B never loses A
    private final java.util.Map<String, java.util.List<byte[]>> unmatched = new java.util.HashMap<>();

    public BrokerProbe() throws Exception {
        var config = ConfigProvider.getConfig();
        var factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        factory.setUsername(config.getValue("rabbitmq-username", String.class));
        factory.setPassword(config.getValue("rabbitmq-password", String.class));
        connection = factory.newConnection("ai-support-service-probe");
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    /** A server-named exclusive queue bound to {@code exchange} with {@code routingKey}. */
    public String listen(String exchange, String routingKey) throws Exception {
        channel.exchangeDeclare(exchange, "topic", true);
        var queue = channel.queueDeclare("", false, true, true, null).getQueue();
        channel.queueBind(queue, exchange, routingKey);
        return queue;
    }

    public void publish(String exchange, ContractMessage message) throws Exception {
        var props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
        channel.basicPublish(exchange, message.routingKey(), props, MessageCodec.encode(message));
        channel.waitForConfirmsOrDie(5_000);
    }

    /** The first message on {@code queue} of that type matching {@code filter}, waiting up to {@code timeout}. */
    public <T extends ContractMessage> T await(String queue, Class<T> type, Predicate<T> filter, Duration timeout) {
        return org.awaitility.Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .until(() -> next(queue, type, filter), m -> m != null);
    }

    /** Whether a matching message arrives within {@code window} (drains what it reads). */
    public <T extends ContractMessage> boolean arrives(String queue, Class<T> type, Predicate<T> filter,
                                                       Duration window) {
        try {
            await(queue, type, filter, window);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    private synchronized <T extends ContractMessage> T next(String queue, Class<T> type, Predicate<T> filter)
            throws Exception {
        var buffered = unmatched.computeIfAbsent(queue, q -> new java.util.ArrayList<>());
        for (var it = buffered.iterator(); it.hasNext(); ) {
            var message = decode(it.next(), type);
            if (message != null && filter.test(message)) {
                it.remove();
                return message;
            }
        }
        var response = channel.basicGet(queue, true);
        while (response != null) {
            var message = decode(response.getBody(), type);
            if (message != null && filter.test(message)) {
                return message;
            }
            if (buffered.size() < MAX_BUFFERED) {
                buffered.add(response.getBody());
            }
            response = channel.basicGet(queue, true);
        }
        return null;
    }

    private static <T extends ContractMessage> T decode(byte[] body, Class<T> type) {
        try {
            return MessageCodec.decode(body, type);
        } catch (MessageCodec.MalformedMessageException e) {
            return null; // another service's test traffic
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }

}
