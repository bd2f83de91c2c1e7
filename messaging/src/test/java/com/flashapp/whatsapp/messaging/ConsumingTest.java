package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import com.flashapp.whatsapp.messaging.testkit.ProxiedBroker;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.smallrye.common.annotation.Identifier;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Consuming against the real broker: once per message id, malformed and hopeless messages dead-lettered. */
@QuarkusTest
@QuarkusTestResource(value = ProxiedBroker.class, initArgs = @ResourceArg(name = "vhost", value = "flash-test-messaging"))
class ConsumingTest {

    static final String QUEUE = "messaging-test.inbound";

    @Inject
    @Identifier("test-in")
    TestApplication.ScriptedHandler handler;

    @Inject
    Pool pool;

    @Inject
    TestApplication.FlakyInbox inbox;

    @Inject
    MeterRegistry registry;

    TestBroker broker;
    BrokerTap tap;

    @BeforeEach
    void connect() {
        broker = new TestBroker();
        broker.purge(Queues.dlq(QUEUE));
        tap = BrokerTap.on(Exchanges.WHATSAPP_OUTBOUND);
    }

    @AfterEach
    void disconnect() {
        tap.close();
        broker.close();
    }

    @Test
    void handlesAMessageOnceHoweverOftenItIsDelivered() {
        var message = inbound("once-" + UUID.randomUUID());
        var duplicatesBefore = duplicates();
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);
        broker.publish(Exchanges.WHATSAPP_INBOUND, message); // the same message id again

        await().atMost(Duration.ofSeconds(15)).until(() -> inboxHas(message.envelope().messageId()));
        tap.await(OutboundMessage.class, o -> o.body().equals("re: " + message.body()));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestBroker.depth(QUEUE) == 0);
        tap.flush();
        var replies = tap.messages(OutboundMessage.class, o -> o.body().equals("re: " + message.body()));
        // one handling (a connection lost on a starved machine may make it publish twice: then with the same id)
        assertEquals(1, replies.stream().map(o -> o.envelope().messageId()).distinct().count());
        assertEquals(1, inboxRows(message.envelope().messageId()));
        // the second delivery met the inbox and was acknowledged without handling
        await().atMost(Duration.ofSeconds(10)).until(() -> duplicates() >= duplicatesBefore + 1);
    }

    @Test
    void aMalformedMessageIsDeadLetteredAtOnce() {
        var id = UUID.randomUUID().toString();
        broker.publish(Exchanges.WHATSAPP_INBOUND, RoutingKeys.Inbound.TEXT, id,
                ("{\"not\": \"a contract " + id + "\"").getBytes(StandardCharsets.UTF_8));

        var dead = broker.awaitDeadLettered(Queues.dlq(QUEUE), id);
        assertEquals("rejected", TestBroker.deathReason(dead));
    }

    @Test
    void aMessageThatKeepsFailingIsDeadLetteredAfterTheDeliveryLimit() {
        var message = inbound("broken-" + UUID.randomUUID());
        handler.script(message.body(), (m, attempt) -> Uni.createFrom().failure(new IllegalStateException("bug")));
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);

        var dead = broker.awaitDeadLettered(Queues.dlq(QUEUE), message.envelope().messageId().toString());
        assertEquals("delivery_limit", TestBroker.deathReason(dead));
        // messaging.max-deliveries=3 in this test: the first delivery plus at most three more (RabbitMQ 3.x may
        // hand a requeued message out once more when a nack races the next delivery): bounded, not endless
        var attempts = handler.attempts(message.body());
        org.junit.jupiter.api.Assertions.assertTrue(attempts >= 3 && attempts <= 5, "attempts: " + attempts);
        assertEquals(0, tap.messages(OutboundMessage.class, o -> o.body().equals("re: " + message.body())).size());
    }

    @Test
    void aRejectedMessageIsDeadLetteredWithoutAnotherAttempt() {
        var message = inbound("reject-" + UUID.randomUUID());
        handler.script(message.body(), (m, attempt) -> Uni.createFrom().failure(new RejectedMessage("test says no")));
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);

        var dead = broker.awaitDeadLettered(Queues.dlq(QUEUE), message.envelope().messageId().toString());
        assertEquals("rejected", TestBroker.deathReason(dead));
        assertEquals(1, handler.attempts(message.body()));
    }

    @Test
    void aTransientFailureIsRetriedInPlaceWithoutSpendingTheDeliveryLimit() {
        var message = inbound("transient-" + UUID.randomUUID());
        // eight failures: more than the three deliveries the queue would allow if each attempt were a redelivery
        handler.script(message.body(), (m, attempt) -> attempt <= 8
                ? Uni.createFrom().failure(new Failures.RetryLater("database restarting", null))
                : handler.reply(m));
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);

        tap.await(OutboundMessage.class, o -> o.body().equals("re: " + message.body()));
        await().atMost(Duration.ofSeconds(10)).until(() -> inboxHas(message.envelope().messageId()));
        assertEquals(9, handler.attempts(message.body()));
        assertNull(broker.get(Queues.dlq(QUEUE)));
    }

    @Test
    void aFailedInboxRecordIsRetriedWithoutHandlingTheMessageAgain() {
        var message = inbound("record-" + UUID.randomUUID());
        // not even a transient failure: requeueing would handle (and answer) the message a second time
        inbox.failRecording(message.envelope().messageId(), 3);
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);

        await().atMost(Duration.ofSeconds(20)).until(() -> inboxHas(message.envelope().messageId()));
        await().atMost(Duration.ofSeconds(20)).until(() -> TestBroker.depth(QUEUE) == 0);
        tap.flush();
        assertEquals(1, handler.attempts(message.body()));
        assertEquals(1, tap.messages(OutboundMessage.class, o -> o.body().equals("re: " + message.body())).size());
        assertNull(broker.get(Queues.dlq(QUEUE)));
    }

    @Test
    void aRetryPublishesTheSameMessageIdsSoReceiversDropTheSecondCopy() {
        var message = inbound("republish-" + UUID.randomUUID());
        // the first attempt publishes its reply and then fails (say, writing to its database); the second repeats
        handler.script(message.body(), (m, attempt) -> handler.reply(m).flatMap(x -> attempt == 1
                ? Uni.createFrom().failure(new Failures.RetryLater("database went away after the reply", null))
                : Uni.createFrom().voidItem()));
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);

        var replies = tap.awaitCount(OutboundMessage.class, o -> o.body().equals("re: " + message.body()), 2,
                Duration.ofSeconds(15));
        assertEquals(2, replies.size());
        assertEquals(replies.get(0).envelope().messageId(), replies.get(1).envelope().messageId());
        // and outside a handler ids stay random
        var a = Envelope.create(RoutingKeys.Outbound.REPLY, "c", "u");
        var b = Envelope.create(RoutingKeys.Outbound.REPLY, "c", "u");
        org.junit.jupiter.api.Assertions.assertNotEquals(a.messageId(), b.messageId());
    }

    private double duplicates() {
        var counter = registry.find("messages.consumed").tags("channel", "test-in", "outcome", "duplicate").counter();
        return counter == null ? 0 : counter.count();
    }

    private long inboxRows(UUID id) {
        return pool.preparedQuery("select count(*) from inbox_message where message_id = $1")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0);
    }

    private boolean inboxHas(UUID id) {
        return pool.preparedQuery("select count(*) from inbox_message where message_id = $1")
                .execute(Tuple.of(id)).await().indefinitely().iterator().next().getLong(0) == 1;
    }

    static InboundMessage inbound(String text) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var envelope = Envelope.create(RoutingKeys.Inbound.TEXT, sid, "u_test");
        return new InboundMessage(envelope, sid, "whatsapp:+18765550101", "+18765550101", "Test", text, false,
                List.of(), null, null, null, null, Instant.now());
    }
}
