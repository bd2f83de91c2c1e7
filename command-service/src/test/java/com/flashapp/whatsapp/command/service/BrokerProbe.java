package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;


/**
 * Plays the other services in tests: publishes as the gateway (or balance, ai-support) would, and reads what
 * command-service publishes through its own temporary exclusive queues bound to the exchanges.
 */
final class BrokerProbe implements AutoCloseable {

    /** A message command-service published, with where it went. */
    record Seen(String exchange, String routingKey, ContractMessage message) {
    }

    private final Connection connection;
    private final Channel channel;
    private final Map<String, String> queues = new ConcurrentHashMap<>();
    private final List<Seen> seen = new ArrayList<>();

    BrokerProbe(String... exchanges) throws Exception {
        var config = ConfigProvider.getConfig();
        var factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getValue("rabbitmq-port", Integer.class));
        factory.setUsername(config.getValue("rabbitmq-username", String.class));
        factory.setPassword(config.getValue("rabbitmq-password", String.class));
        connection = factory.newConnection("command-service-test-probe");
        channel = connection.createChannel();
        channel.confirmSelect();
        for (var exchange : exchanges) {
            channel.exchangeDeclare(exchange, "topic", true);
            var queue = channel.queueDeclare("", false, true, true, null).getQueue();
            channel.queueBind(queue, exchange, "#");
            queues.put(exchange, queue);
        }
    }

    void publish(String exchange, ContractMessage message) throws Exception {
        var props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();
        channel.basicPublish(exchange, message.routingKey(), props, MessageCodec.encode(message));
        channel.waitForConfirmsOrDie(5_000);
    }

    /** Sends a text as the gateway would; returns the message (its correlation id identifies what it caused). */
    InboundMessage send(String userRef, String phone, String text) throws Exception {
        return send(userRef, phone, text, null);
    }

    InboundMessage send(String userRef, String phone, String text, String buttonPayload) throws Exception {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var type = buttonPayload == null ? RoutingKeys.Inbound.TEXT : RoutingKeys.Inbound.BUTTON;
        var inbound = new InboundMessage(Envelope.create(type, sid, userRef), sid, "whatsapp:" + phone, phone,
                "Test User", text, false, List.of(), buttonPayload, buttonPayload, null, null, Instant.now());
        publish(Exchanges.WHATSAPP_INBOUND, inbound);
        return inbound;
    }

    /** Waits for the first message on {@code exchange} caused by {@code inbound} that satisfies the predicate. */
    Seen await(String exchange, InboundMessage inbound, Predicate<Seen> predicate) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            drain();
            return find(exchange, inbound.messageSid(), predicate);
        }, found -> found != null);
    }

    /** Everything seen so far on an exchange for a correlation id. */
    synchronized List<Seen> all(String exchange, String correlationId) throws Exception {
        drain();
        return seen.stream().filter(s -> s.exchange().equals(exchange)
                && correlationId.equals(s.message().envelope().correlationId())).toList();
    }

    private synchronized Seen find(String exchange, String correlationId, Predicate<Seen> predicate) {
        return seen.stream().filter(s -> s.exchange().equals(exchange)
                        && correlationId.equals(s.message().envelope().correlationId()) && predicate.test(s))
                .findFirst().orElse(null);
    }

    private synchronized void drain() throws Exception {
        for (var entry : queues.entrySet()) {
            for (var response = channel.basicGet(entry.getValue(), true); response != null;
                 response = channel.basicGet(entry.getValue(), true)) {
                var key = response.getEnvelope().getRoutingKey();
                try {
                    seen.add(new Seen(entry.getKey(), key,
                            MessageCodec.decode(response.getBody(), entry.getKey(), key)));
                } catch (MessageCodec.MalformedMessageException ignored) {
                    // another team's test traffic on a shared exchange: not ours to judge
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
