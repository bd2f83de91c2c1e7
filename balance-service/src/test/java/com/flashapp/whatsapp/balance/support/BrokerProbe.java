package com.flashapp.whatsapp.balance.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;


/**
 * The other services, as a test sees them: publishes requests and events as command-service and the bridge
 * would, and listens (on its own temporary queues) to everything balance-service publishes.
 */
public final class BrokerProbe implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;
    private final List<ContractMessage> received = new CopyOnWriteArrayList<>();

    public BrokerProbe() throws Exception {
        var config = ConfigProvider.getConfig();
        var factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        factory.setUsername(config.getValue("rabbitmq-username", String.class));
        factory.setPassword(config.getValue("rabbitmq-password", String.class));
        connection = factory.newConnection("balance-service-test-probe");
        channel = connection.createChannel();
        channel.confirmSelect();
        listen(Exchanges.WHATSAPP_OUTBOUND, "#");
        listen(Exchanges.CONVERSATION_EXPECT, "#");
        listen(Exchanges.FLASH_EVENTS, "account.*");
    }

    private void listen(String exchange, String bindingKey) throws Exception {
        var queue = channel.queueDeclare("", false, true, true, null).getQueue();
        // the service declares its exchanges on first publish: make sure they exist before binding
        channel.exchangeDeclare(exchange, "topic", true);
        channel.queueBind(queue, exchange, bindingKey);
        DeliverCallback onMessage = (tag, delivery) -> received.add(
                MessageCodec.decode(delivery.getBody(), exchange, delivery.getEnvelope().getRoutingKey()));
        channel.basicConsume(queue, true, onMessage, tag -> { });
    }

    public void publish(String exchange, ContractMessage message) throws Exception {
        var props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
        channel.basicPublish(exchange, message.routingKey(), props, MessageCodec.encode(message));
        channel.waitForConfirmsOrDie(5_000);
    }

    /** Waits for a message of this type for the user that matches; returns it. */
    public <T extends ContractMessage> T await(Class<T> type, String userRef, Predicate<T> matches) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> find(type, userRef, matches), m -> m != null);
    }

    /** Messages of a type for a user received so far. */
    public <T extends ContractMessage> List<T> all(Class<T> type, String userRef) {
        return received.stream().filter(type::isInstance).map(type::cast)
                .filter(m -> userRef.equals(m.envelope().userRef())).toList();
    }

    private <T extends ContractMessage> T find(Class<T> type, String userRef, Predicate<T> matches) {
        return all(type, userRef).stream().filter(matches).findFirst().orElse(null);
    }

    /** Forgets what was received, so the next await sees only newer messages. */
    public void clear() {
        received.clear();
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
