package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Plays the other services in tests: writes as the gateway (or balance, ai-support) would, and sees what
 * command-service publishes, by the inbound message that caused it (its correlation id).
 */
final class BrokerProbe implements AutoCloseable {

    private final TestBroker broker = new TestBroker();
    private final BrokerTap tap;

    BrokerProbe(String... exchanges) {
        tap = BrokerTap.on(exchanges);
    }

    void publish(String exchange, ContractMessage message) {
        broker.publish(exchange, message);
    }

    /** Sends a text as the gateway would; returns the message (its correlation id identifies what it caused). */
    InboundMessage send(String userRef, String phone, String text) {
        return send(userRef, phone, text, null);
    }

    InboundMessage send(String userRef, String phone, String text, String buttonPayload) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var type = buttonPayload == null ? RoutingKeys.Inbound.TEXT : RoutingKeys.Inbound.BUTTON;
        var inbound = new InboundMessage(Envelope.create(type, sid, userRef), sid, "whatsapp:" + phone, phone,
                "Test User", text, false, List.of(), buttonPayload, buttonPayload, null, null, Instant.now());
        publish(Exchanges.WHATSAPP_INBOUND, inbound);
        return inbound;
    }

    /** Waits for the first message on {@code exchange} caused by {@code inbound} that satisfies the predicate. */
    BrokerTap.Seen await(String exchange, InboundMessage inbound, Predicate<BrokerTap.Seen> predicate) {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> all(exchange, inbound.messageSid()).stream().filter(predicate).findFirst().orElse(null),
                        Objects::nonNull);
    }

    /** Waits until everything published so far has reached the probe ("not seen" then means "not published"). */
    void flush() {
        tap.flush();
    }

    /** Everything seen so far on an exchange for a correlation id. */
    List<BrokerTap.Seen> all(String exchange, String correlationId) {
        return tap.all().stream().filter(s -> s.exchange().equals(exchange)
                && correlationId.equals(s.message().envelope().correlationId())).toList();
    }

    @Override
    public void close() {
        tap.close();
        broker.close();
    }
}
