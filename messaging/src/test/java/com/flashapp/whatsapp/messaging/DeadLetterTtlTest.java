package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.messaging.testkit.FreshVirtualHost;
import com.rabbitmq.client.ConnectionFactory;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dead letters expire: the {@code dead-letter-ttl} policy that deploy/local/infra.sh sets (and the Kubernetes
 * manifests declare) gives every {@code <queue>.dlq} a message TTL, and no work queue.
 */
class DeadLetterTtlTest {

    private static final String MANAGEMENT = "http://127.0.0.1:15672/api";
    private static final String VHOST = "flash-test-dlq-ttl";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void thePolicyMatchesTheDeadLetterQueueOfEveryQueueAndNoWorkQueue() throws Exception {
        var policy = installedPolicy();
        var pattern = Pattern.compile(policy.getString("pattern"));
        var queues = queueNames();
        assertFalse(queues.isEmpty());
        for (var queue : queues) {
            assertTrue(pattern.matcher(Queues.dlq(queue)).find(), Queues.dlq(queue));
            assertFalse(pattern.matcher(queue).find(), queue);
        }
        assertEquals("queues", policy.getString("apply-to"));
        assertTrue(policy.getJsonObject("definition").getLong("message-ttl") > 0);
    }

    @Test
    void aDeadLetterQueueDeclaredByTheTopologyGetsTheTtlAndItsWorkQueueDoesNot() throws Exception {
        var policy = installedPolicy();
        new FreshVirtualHost().recreate(VHOST);
        call("PUT", MANAGEMENT + "/policies/" + encode(VHOST) + "/dead-letter-ttl", policy.copy()
                .put("vhost", VHOST).encode());

        var factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setVirtualHost(VHOST);
        try (var connection = factory.newConnection(); var channel = connection.createChannel()) {
            Topology.declare(channel, Exchanges.WHATSAPP_INBOUND, new TestConsumer("dlq-ttl-test.inbound"), 3);
        }

        var ttl = policy.getJsonObject("definition").getLong("message-ttl");
        var dlq = await().atMost(Duration.ofSeconds(20))
                .until(() -> queue(Queues.dlq("dlq-ttl-test.inbound")), q -> q.getJsonObject(
                        "effective_policy_definition") != null && q.getJsonObject("effective_policy_definition")
                        .containsKey("message-ttl"));
        assertEquals(ttl, dlq.getJsonObject("effective_policy_definition").getLong("message-ttl"));
        assertNotEquals("dead-letter-ttl", queue("dlq-ttl-test.inbound").getString("policy"));
    }

    private JsonObject installedPolicy() throws Exception {
        var response = call("GET", MANAGEMENT + "/policies/%2F/dead-letter-ttl", null);
        assertEquals(200, response.statusCode(),
                "no dead-letter-ttl policy on the broker's default virtual host: run deploy/local/infra.sh");
        var policy = new JsonObject(response.body());
        return new JsonObject().put("pattern", policy.getString("pattern"))
                .put("apply-to", policy.getString("apply-to")).put("priority", policy.getInteger("priority"))
                .put("definition", policy.getJsonObject("definition"));
    }

    private JsonObject queue(String name) throws Exception {
        var response = call("GET", MANAGEMENT + "/queues/" + encode(VHOST) + "/" + encode(name), null);
        return response.statusCode() == 200 ? new JsonObject(response.body()) : new JsonObject();
    }

    private static List<String> queueNames() throws IllegalAccessException {
        var names = new java.util.ArrayList<String>();
        for (var field : Queues.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    private HttpResponse<String> call(String method, String url, String body) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private record TestConsumer(String queue) implements MessagingConfig.Consumer {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public String exchange() {
            return Exchanges.WHATSAPP_INBOUND;
        }

        @Override
        public List<String> routingKeys() {
            return List.of("message.*");
        }

        @Override
        public int prefetch() {
            return 1;
        }

        @Override
        public int concurrency() {
            return 1;
        }

        @Override
        public boolean inbox() {
            return true;
        }

        @Override
        public int shards() {
            return 1;
        }
    }
}
