package com.flashapp.whatsapp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A queue of the test's own bound to one exchange and routing key (through RabbitMQ's management API): it keeps a
 * copy of what the services publish there, so a test can publish the very same message again, as the broker does
 * when it redelivers.
 */
final class Tap implements AutoCloseable {


    private final String vhost;
    private final String queue;

    private Tap(String vhost, String queue) {
        this.vhost = URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        this.queue = queue;
    }

    /** Starts copying what is published to {@code exchange} with {@code routingKey} from now on. */
    static Tap on(Apps.Isolation isolation, String exchange, String routingKey) throws Exception {
        var tap = new Tap(isolation.vhost(), "e2e.tap." + routingKey);
        Management.call("PUT", "/api/queues/" + tap.vhost + "/" + tap.queue, "{\"durable\":false,\"auto_delete\":false}");
        Management.call("POST", "/api/bindings/" + tap.vhost + "/e/" + exchange + "/q/" + tap.queue,
                Sandbox.JSON.createObjectNode().put("routing_key", routingKey).toString());
        return tap;
    }

    /** The messages copied so far (taken out of the tap): each with its payload, properties and routing key. */
    List<JsonNode> take() throws Exception {
        var body = "{\"count\":100,\"ackmode\":\"ack_requeue_false\",\"encoding\":\"auto\"}";
        var messages = new ArrayList<JsonNode>();
        Sandbox.JSON.readTree(Management.call("POST", "/api/queues/" + vhost + "/" + queue + "/get", body))
                .forEach(messages::add);
        return messages;
    }

    /**
     * Publishes a message a tap copied to the exchange it was published to, byte for byte and with its properties
     * (its message id included): what the broker delivers when a consumer's acknowledgement was lost.
     */
    static void publishAgain(Apps.Isolation isolation, JsonNode message) throws Exception {
        ObjectNode publish = Sandbox.JSON.createObjectNode();
        publish.set("properties", message.path("properties"));
        publish.put("routing_key", message.path("routing_key").asText());
        publish.put("payload", message.path("payload").asText());
        publish.put("payload_encoding", message.path("payload_encoding").asText("string"));
        var vhost = URLEncoder.encode(isolation.vhost(), StandardCharsets.UTF_8);
        var answer = Sandbox.JSON.readTree(Management.call("POST", "/api/exchanges/" + vhost + "/"
                + message.path("exchange").asText() + "/publish", publish.toString()));
        if (!answer.path("routed").asBoolean()) {
            throw new AssertionError("the message published again reached no queue: " + answer);
        }
    }

    @Override
    public void close() throws Exception {
        Management.call("DELETE", "/api/queues/" + vhost + "/" + queue, null);
    }
}
