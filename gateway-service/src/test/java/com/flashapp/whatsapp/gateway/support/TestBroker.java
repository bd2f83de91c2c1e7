package com.flashapp.whatsapp.gateway.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * A plain AMQP client for tests: publishes (with confirm) as another service would, and reads a dead-letter queue
 * as an operator would. Other engineers' tests share the broker, so what is read is kept and searched by id.
 */
public final class TestBroker implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;
    private final List<GetResponse> seen = new ArrayList<>();

    public TestBroker() {
        try {
            connection = new ConnectionFactory().newConnection("gateway-test-broker");
            channel = connection.createChannel();
            channel.confirmSelect();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public void publish(String exchange, ContractMessage message) {
        publish(exchange, message.routingKey(), message.envelope().messageId().toString(), MessageCodec.encode(message));
    }

    /** Publishes raw bytes, persistent, with {@code messageId} as the AMQP message id; waits for the confirm. */
    public void publish(String exchange, String routingKey, String messageId, byte[] body) {
        var props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
                .messageId(messageId).build();
        try {
            channel.basicPublish(exchange, routingKey, props, body);
            channel.waitForConfirmsOrDie(10_000);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code queue} exists and has a consumer (the app under test declared and subscribed to it). */
    public void awaitConsumer(String queue) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (var probe = connection.createChannel()) {
                return probe.queueDeclarePassive(queue).getConsumerCount() > 0;
            } catch (IOException e) {
                return false; // not declared yet (the passive declare closed the probe channel)
            }
        });
    }

    /** Waits until a message whose AMQP message id is {@code messageId} was dead-lettered into {@code dlq}. */
    public GetResponse awaitDeadLettered(String dlq, String messageId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            readAll(dlq);
            return find(messageId);
        }, r -> r != null);
    }

    /** Whether a message with {@code messageId} has been read from a dead-letter queue so far. */
    public boolean sawDeadLettered(String dlq, String messageId) {
        readAll(dlq);
        return find(messageId) != null;
    }

    private GetResponse find(String messageId) {
        return seen.stream().filter(r -> messageId.equals(r.getProps().getMessageId())).findFirst().orElse(null);
    }

    private void readAll(String queue) {
        try {
            for (var r = channel.basicGet(queue, true); r != null; r = channel.basicGet(queue, true)) {
                seen.add(r);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The reason the broker recorded for a dead-lettered message ({@code rejected}, {@code delivery_limit}). */
    @SuppressWarnings("unchecked")
    public static String deathReason(GetResponse dead) {
        var deaths = (List<java.util.Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
        return deaths == null || deaths.isEmpty() ? null : String.valueOf(deaths.get(0).get("reason"));
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (Exception ignored) {
            // closing a test connection cannot fail the test
        }
    }
}
