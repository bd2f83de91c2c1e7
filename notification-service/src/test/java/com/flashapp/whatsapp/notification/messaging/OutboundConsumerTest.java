package com.flashapp.whatsapp.notification.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.WireMockTwilio;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wiring end to end: real broker, real PostgreSQL, the service's own queues and dead-letter queues, and the
 * real handler (no mocks: the broker is shared with other runs, so every assertion looks for this test's ids).
 */
@QuarkusTest
class OutboundConsumerTest extends NotificationTestBase {

    @ConfigProperty(name = "messaging.max-deliveries")
    int maxDeliveries;

    @Inject
    MeterRegistry registry;

    @Test
    void consumesAndAcknowledgesAnOutboundReplyOnce() throws Exception {
        var message = sample(randomWhatsapp());
        broker.publish(Exchanges.WHATSAPP_OUTBOUND, message);
        broker.publish(Exchanges.WHATSAPP_OUTBOUND, message); // a redelivery: same message id

        await().atMost(WAIT).until(() -> inboxHas(message.envelope().messageId()));
        awaitState(message.to(), "sent");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> stored(message.to()).size() == 1 && WireMockTwilio.requestsTo(message.to()).size() == 1);
    }

    @Test
    void aMessageThatKeepsFailingEndsInTheDeadLetterQueueAfterTheConfiguredAttempts() throws Exception {
        // no recipient: storing it fails every time (a poison message, not a malformed one)
        var message = sample(null);
        double failedBefore = failedAttempts();
        broker.publish(Exchanges.WHATSAPP_OUTBOUND, message);

        var dlq = Queues.dlq(Queues.NOTIFICATION_OUTBOUND);
        // the broker is shared: skip anything other runs dead-lettered here
        var dead = await().atMost(Duration.ofSeconds(60)).until(() -> broker.get(dlq),
                r -> r != null && new String(r.getBody(), StandardCharsets.UTF_8)
                        .contains(message.envelope().messageId().toString()));
        @SuppressWarnings("unchecked")
        var deaths = (List<Map<String, Object>>) dead.getProps().getHeaders().get("x-death");
        assertNotNull(deaths, "dead-lettered by the broker");
        assertEquals("delivery_limit", deaths.get(0).get("reason").toString());
        assertFalse(inboxHas(message.envelope().messageId()), "never recorded as handled");
        // the first delivery plus max-deliveries redeliveries, each a failed attempt
        assertTrue(failedAttempts() - failedBefore >= maxDeliveries + 1,
                "attempts: " + (failedAttempts() - failedBefore));
    }

    private double failedAttempts() {
        // summed over the consumer's shard queues
        return registry.find("messages.consumed").tags("channel", OutboundHandler.CONSUMER, "type",
                RoutingKeys.Outbound.REPLY, "outcome", "failed").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    private boolean inboxHas(UUID id) {
        return pool.preparedQuery("select count(*) from inbox_message where message_id = $1")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0) == 1;
    }

    private static OutboundMessage sample(String to) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        return new OutboundMessage(Envelope.create(RoutingKeys.Outbound.REPLY, sid, randomUserRef()), to, "hello",
                List.of(), List.of(), null, null, Instant.now());
    }

}
