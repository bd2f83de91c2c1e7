package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
