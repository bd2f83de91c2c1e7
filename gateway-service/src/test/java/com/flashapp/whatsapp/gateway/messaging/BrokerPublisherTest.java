package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway's side of the wiring: what it publishes is confirmed by, and routed through, the real broker. */
@QuarkusTest
class BrokerPublisherTest {

    @Inject
    BrokerPublisher publisher;

    @Test
    void publishesAConfirmedPersistentMessageThatReachesABoundQueue() throws Exception {
        var factory = new ConnectionFactory();
        try (var connection = factory.newConnection("gateway-test"); var channel = connection.createChannel()) {
            var queue = channel.queueDeclare().getQueue(); // exclusive, server-named
            channel.queueBind(queue, Exchanges.WHATSAPP_INBOUND, RoutingKeys.Inbound.ALL);
            var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
            var message = new InboundMessage(Envelope.create(RoutingKeys.Inbound.TEXT, sid, "u_test"), sid,
                    "whatsapp:+18765550101", "+18765550101", null, "hi", false, List.of(), null, null, null, null,
                    Instant.now());

            publisher.publish(Exchanges.WHATSAPP_INBOUND, message).await().atMost(Duration.ofSeconds(5));

            // other engineers' tests publish to the same exchange at the same time: skip what is not ours
            var received = await().atMost(Duration.ofSeconds(10))
                    .until(() -> {
                        var r = channel.basicGet(queue, true);
                        while (r != null && !sid.equals(r.getProps().getCorrelationId())) {
                            r = channel.basicGet(queue, true);
                        }
                        return r;
                    }, r -> r != null);
            assertEquals(message, MessageCodec.decode(received.getBody(), InboundMessage.class));
            assertEquals(RoutingKeys.Inbound.TEXT, received.getEnvelope().getRoutingKey());
            assertEquals(2, received.getProps().getDeliveryMode());
            assertEquals(sid, received.getProps().getCorrelationId());
        }
    }

    @Test
    void refusesAnExchangeTheGatewayDoesNotOwn() {
        var message = new InboundMessage(Envelope.create(RoutingKeys.Inbound.TEXT, "SM1", "u"), "SM1",
                "whatsapp:+1", "+1", null, "", false, List.of(), null, null, null, null, Instant.now());
        assertThrows(IllegalArgumentException.class,
                () -> publisher.publish(Exchanges.WALLET_REQUESTS, message).await().indefinitely());
    }

    @Test
    void reconnectsAfterTheBrokerDroppedItsConnectionAndPublishesAgain() {
        publisher.publish(Exchanges.WHATSAPP_INBOUND, inbound()).await().atMost(Duration.ofSeconds(10));
        var before = publisher.connectionName();

        // the broker closes the connection, as on a broker restart or failover (through the management API)
        var brokerSideName = await().atMost(Duration.ofSeconds(30)).until(() -> managementName(before), n -> n != null);
        RestAssured.given().urlEncodingEnabled(false).auth().preemptive().basic("guest", "guest")
                .delete("http://localhost:15672/api/connections/"
                        + URLEncoder.encode(brokerSideName, StandardCharsets.UTF_8).replace("+", "%20"))
                .then().statusCode(204);

        // publishes in the outage may fail (the webhook answers 503 and Twilio retries); then they succeed again
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            publisher.publish(Exchanges.WHATSAPP_INBOUND, inbound()).await().atMost(Duration.ofSeconds(5));
            return true;
        });
        assertNotEquals(before, publisher.connectionName(), "a new connection");
        assertTrue(publisher.connected());
    }

    /** The broker's name of the connection the client named {@code clientName}, or null while it is not listed. */
    private static String managementName(String clientName) {
        var json = RestAssured.given().auth().preemptive().basic("guest", "guest")
                .get("http://localhost:15672/api/connections").then().statusCode(200).extract().jsonPath();
        List<String> names = json.getList("findAll { it.client_properties?.connection_name == '" + clientName + "' }.name");
        return names == null || names.isEmpty() ? null : names.get(0);
    }

    private static InboundMessage inbound() {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        return new InboundMessage(Envelope.create(RoutingKeys.Inbound.TEXT, sid, "u_test"), sid,
                "whatsapp:+18765550101", "+18765550101", null, "hi", false, List.of(), null, null, null, null,
                Instant.now());
    }
}
