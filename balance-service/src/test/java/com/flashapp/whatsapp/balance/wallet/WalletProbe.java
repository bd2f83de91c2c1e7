package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
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
 * What balance-service publishes, as the other services see it: its own temporary queues on
 * {@code whatsapp.outbound}, {@code conversation.expect} and {@code flash.events} (payments), filtered by userRef.
 */
final class WalletProbe implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;
    private final List<ContractMessage> received = new CopyOnWriteArrayList<>();

    WalletProbe() throws Exception {
        var config = ConfigProvider.getConfig();
        var factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        factory.setVirtualHost(config.getOptionalValue("rabbitmq-virtual-host", String.class).orElse("/"));
        // the broker's administrator, as TestBroker: a probe binds queues of its own the service user may not
        factory.setUsername(config.getOptionalValue("test.rabbitmq-username", String.class).orElse("guest"));
        factory.setPassword(config.getOptionalValue("test.rabbitmq-password", String.class).orElse("guest"));
        connection = factory.newConnection("balance-wallet-test-probe");
        channel = connection.createChannel();
        // one queue for replies and images: its FIFO order shows which the service published first
        listen(Exchanges.WHATSAPP_OUTBOUND, "#", Exchanges.GATEWAY_MEDIA, RoutingKeys.Media.STORE);
        listen(Exchanges.CONVERSATION_EXPECT, "#");
        listen(Exchanges.FLASH_EVENTS, "payment.*");
    }

    /** One temporary queue bound to each (exchange, binding key) pair given. */
    private void listen(String... exchangeAndKeyPairs) throws Exception {
        var queue = channel.queueDeclare("", false, true, true, null).getQueue();
        for (int i = 0; i < exchangeAndKeyPairs.length; i += 2) {
            // the service declares its exchanges on first publish: make sure they exist before binding
            channel.exchangeDeclare(exchangeAndKeyPairs[i], "topic", true);
            channel.queueBind(queue, exchangeAndKeyPairs[i], exchangeAndKeyPairs[i + 1]);
        }
        DeliverCallback onMessage = (tag, delivery) -> {
            try {
                received.add(MessageCodec.decode(delivery.getBody(), delivery.getEnvelope().getExchange(),
                        delivery.getEnvelope().getRoutingKey()));
            } catch (MessageCodec.MalformedMessageException e) {
                // another module's test publishing a malformed message on a shared exchange: not ours
            }
        };
        channel.basicConsume(queue, true, onMessage, tag -> { });
    }

    <T extends ContractMessage> List<T> all(Class<T> type, String userRef) {
        return received.stream().filter(type::isInstance).map(type::cast)
                .filter(m -> userRef.equals(m.envelope().userRef())).toList();
    }

    <T extends ContractMessage> T await(Class<T> type, String userRef, Predicate<T> matches) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> all(type, userRef).stream().filter(matches).findFirst().orElse(null), m -> m != null);
    }

    /** The first reply/notification to the user whose body contains the text. */
    OutboundMessage reply(String userRef, String contains) {
        return await(OutboundMessage.class, userRef, m -> m.body() != null && m.body().contains(contains));
    }

    /** Waits until the user got {@code count} outbound messages in all. */
    List<OutboundMessage> replies(String userRef, int count) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> all(OutboundMessage.class, userRef).size() >= count);
        return all(OutboundMessage.class, userRef);
    }

    /** Where a message is in the order received (replies and images share one queue, so their order is FIFO). */
    int position(ContractMessage message) {
        return received.indexOf(message);
    }

    void clear() {
        received.clear();
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
