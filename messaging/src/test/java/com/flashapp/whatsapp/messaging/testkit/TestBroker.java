package com.flashapp.whatsapp.messaging.testkit;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.WireHeaders;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * A plain AMQP client for tests, on the broker and virtual host the application under test uses ({@code rabbitmq-*}
 * configuration): publishes as another service would, reads queues as an operator would, and asks the management API
 * for what only it knows (queue depths, consumers, connections — and closes a connection to simulate a network cut).
 */
public final class TestBroker implements AutoCloseable {

    private static final String MANAGEMENT = "http://localhost:15672/api";

    private final Connection connection;
    private final Channel channel;
    private final List<GetResponse> read = new ArrayList<>();

    public TestBroker() {
        try {
            connection = factory().newConnection("test-broker");
            channel = connection.createChannel();
            channel.confirmSelect();
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to the test broker", e);
        }
    }

    /** A connection factory for the application's broker and virtual host. */
    public static ConnectionFactory factory() {
        var config = ConfigProvider.getConfig();
        var factory = new ConnectionFactory();
        factory.setHost(config.getValue("rabbitmq-host", String.class));
        factory.setPort(config.getOptionalValue("test.rabbitmq-port", Integer.class)
                .orElse(config.getValue("rabbitmq-port", Integer.class)));
        // the broker's administrator (test.rabbitmq-username/-password, default guest): the kit plays every other
        // service, whose exchanges the application's own user may not publish to (deploy/local/infra.sh)
        factory.setUsername(config.getOptionalValue("test.rabbitmq-username", String.class).orElse("guest"));
        factory.setPassword(config.getOptionalValue("test.rabbitmq-password", String.class).orElse("guest"));
        factory.setVirtualHost(virtualHost());
        return factory;
    }

    public static String virtualHost() {
        return ConfigProvider.getConfig().getOptionalValue("rabbitmq-virtual-host", String.class).orElse("/");
    }

    /** Publishes as another service would (persistent, confirmed, with the {@code flash-user} header). */
    public void publish(String exchange, ContractMessage message) {
        var envelope = message.envelope();
        publish(exchange, message.routingKey(), envelope.messageId().toString(),
                envelope.userRef() == null ? envelope.messageId().toString() : envelope.userRef(),
                MessageCodec.encode(message));
    }

    /** Publishes raw bytes (e.g. a malformed message). */
    public void publish(String exchange, String routingKey, byte[] body) {
        publish(exchange, routingKey, UUID.randomUUID().toString(), body);
    }

    public void publish(String exchange, String routingKey, String messageId, byte[] body) {
        publish(exchange, routingKey, messageId, messageId, body);
    }

    private void publish(String exchange, String routingKey, String messageId, String user, byte[] body) {
        var props = new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2)
                .messageId(messageId).headers(Map.of(WireHeaders.USER, user)).build();
        try {
            channel.basicPublish(exchange, routingKey, props, body);
            channel.waitForConfirmsOrDie(5_000);
        } catch (Exception e) {
            throw new IllegalStateException("publish to " + exchange + " failed", e);
        }
    }

    public void purge(String queue) {
        try {
            channel.queuePurge(queue);
        } catch (Exception e) {
            throw new IllegalStateException("cannot purge " + queue, e);
        }
    }

    /** Takes one message off a queue (acknowledged), or null. */
    public GetResponse get(String queue) {
        try {
            return channel.basicGet(queue, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + queue, e);
        }
    }

    /** Waits until a message with this id is in the dead-letter queue; returns it (read messages are kept). */
    public GetResponse awaitDeadLettered(String dlq, String messageId) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (var r = get(dlq); r != null; r = get(dlq)) {
                read.add(r);
            }
            return read.stream().filter(r -> messageId.equals(r.getProps().getMessageId())
                    || new String(r.getBody(), StandardCharsets.UTF_8).contains(messageId)).findFirst().orElse(null);
        }, r -> r != null);
    }

    /** Whether a message with this id has been read from the dead-letter queue so far (no waiting). */
    public boolean sawDeadLettered(String dlq, String messageId) {
        for (var r = get(dlq); r != null; r = get(dlq)) {
            read.add(r);
        }
        return read.stream().anyMatch(r -> messageId.equals(r.getProps().getMessageId()));
    }

    /** Why the broker dead-lettered a message ({@code rejected}, {@code delivery_limit}, {@code expired}). */
    @SuppressWarnings("unchecked")
    public static String deathReason(GetResponse dead) {
        var deaths = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
        return deaths == null || deaths.isEmpty() ? null : String.valueOf(deaths.get(0).get("reason"));
    }

    /** Ready plus unacknowledged messages of a queue (management API; refreshed every few seconds), -1 if unknown. */
    public static int depth(String queue) {
        Integer messages = queueInfo(queue).get("messages");
        return messages == null ? -1 : messages;
    }

    /** Consumers of a queue (management API). */
    public static int consumers(String queue) {
        Integer consumers = queueInfo(queue).get("consumers");
        return consumers == null ? 0 : consumers;
    }

    /** Waits until some service consumes the queue. */
    public static void awaitConsumer(String queue) {
        await().atMost(Duration.ofSeconds(30)).until(() -> consumers(queue) > 0);
    }

    /** Names of the open connections whose client-provided name starts with {@code prefix}. */
    public static List<String> connections(String prefix) {
        var json = management().get(MANAGEMENT + "/connections?columns=name,user_provided_name")
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> all = json.getList("");
        return all.stream()
                .filter(c -> c.get("user_provided_name") != null
                        && c.get("user_provided_name").toString().startsWith(prefix))
                .map(c -> c.get("name").toString()).toList();
    }

    /** Closes (server side) every connection whose client-provided name starts with {@code prefix}; how many. */
    public static int closeConnections(String prefix) {
        var names = connections(prefix);
        for (var name : names) {
            management().header("X-Reason", "test: connection cut")
                    .delete(MANAGEMENT + "/connections/" + encode(name)).then().statusCode(204);
        }
        return names.size();
    }

    private static JsonPath queueInfo(String queue) {
        return management().get(MANAGEMENT + "/queues/" + encode(virtualHost()) + "/" + encode(queue))
                .then().statusCode(200).extract().jsonPath();
    }

    private static io.restassured.specification.RequestSpecification management() {
        return RestAssured.given().urlEncodingEnabled(false).auth().preemptive().basic("guest", "guest");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
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
