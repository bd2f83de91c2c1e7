package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.messaging.testkit.ProxiedBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What the publisher puts on the broker, and what it refuses. */
@QuarkusTest
@QuarkusTestResource(value = ProxiedBroker.class, initArgs = @ResourceArg(name = "vhost", value = "flash-test-messaging"))
class PublishingTest {

    @Inject
    Publisher publisher;

    @Test
    void publishesAConfirmedPersistentMessageWithItsIdsThatReachesABoundQueue() {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var message = new OutboundMessage(Envelope.create(RoutingKeys.Outbound.REPLY, sid, "u_test"),
                "whatsapp:+18765550101", "hello", List.of(), List.of(), null, null, null);
        try (var tap = BrokerTap.on(Exchanges.WHATSAPP_OUTBOUND)) {
            publisher.publish(Exchanges.WHATSAPP_OUTBOUND, message).await().atMost(Duration.ofSeconds(5));

            tap.flush();
            var seen = tap.seen(sid);
            assertEquals(1, seen.size());
            assertEquals(message, seen.get(0).message());
            assertEquals(RoutingKeys.Outbound.REPLY, seen.get(0).routingKey());
            assertEquals(2, seen.get(0).properties().getDeliveryMode());
            assertEquals(message.envelope().messageId().toString(), seen.get(0).properties().getMessageId());
        }
    }

    @Test
    void refusesAnExchangeTheServiceDoesNotDeclare() {
        var message = new OutboundMessage(Envelope.create(RoutingKeys.Outbound.REPLY, "SM1", "u"), "whatsapp:+1", "x",
                List.of(), List.of(), null, null, null);
        assertThrows(IllegalArgumentException.class,
                () -> publisher.publish(Exchanges.WALLET_REQUESTS, message).await().indefinitely());
        assertEquals(false, publisher.publishesTo(Exchanges.WALLET_REQUESTS));
        assertEquals(true, publisher.publishesTo(Exchanges.WHATSAPP_OUTBOUND));
    }
}
