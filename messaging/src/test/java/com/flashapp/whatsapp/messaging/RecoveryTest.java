package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.messaging.testkit.BrokerProxy;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import com.flashapp.whatsapp.messaging.testkit.ProxiedBroker;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults under load, on this service's own connections (through {@link ProxiedBroker}'s proxy): the connection cut
 * while hundreds of messages are in flight, confirms that never come, a handler that stops making progress.
 */
@QuarkusTest
@QuarkusTestResource(value = ProxiedBroker.class, initArgs = @ResourceArg(name = "vhost", value = "flash-test-messaging"))
class RecoveryTest {

    @Inject
    @Identifier("test-in")
    TestApplication.ScriptedHandler handler;

    @Inject
    Publisher publisher;

    @Inject
    Consumers consumers;

    @Inject
    Pool pool;

    BrokerProxy proxy;
    TestBroker broker;
    BrokerTap tap;

    @BeforeEach
    void connect() {
        broker = new TestBroker();
        tap = BrokerTap.on(Exchanges.WHATSAPP_OUTBOUND);
        await().atMost(Duration.ofSeconds(20)).until(this::ready);
    }

    @AfterEach
    void restore() {
        proxy.freeze(false);
        proxy.refuse(false);
        tap.close();
        broker.close();
    }

    @Test
    void everyMessageIsHandledOnceAndAnsweredAfterTheConnectionsAreCutUnderLoad() {
        var run = UUID.randomUUID().toString().substring(0, 8);
        var texts = new ArrayList<String>();
        for (int i = 0; i < 300; i++) {
            var text = "load-" + run + "-" + i;
            texts.add(text);
            // each handling takes a few milliseconds, so hundreds are queued or in flight when the cuts come
            handler.script(text, (m, attempt) -> Uni.createFrom().voidItem()
                    .onItem().delayIt().by(Duration.ofMillis(5)).flatMap(x -> handler.reply(m)));
        }
        var ids = new ArrayList<UUID>();
        for (var text : texts) {
            var message = ConsumingTest.inbound(text);
            ids.add(message.envelope().messageId());
            broker.publish(Exchanges.WHATSAPP_INBOUND, message);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> handled(ids) >= 40);
        var firstConsumerConnection = consumers.connectionName();
        var firstPublisherConnection = publisher.connectionName();
        proxy.cut();
        await().atMost(Duration.ofSeconds(20)).until(() -> handled(ids) >= 150);
        proxy.cut();

        await().atMost(Duration.ofSeconds(60)).until(() -> handled(ids) == ids.size());
        var replies = tap.awaitCount(OutboundMessage.class, o -> o.body().startsWith("re: load-" + run), 300,
                Duration.ofSeconds(30));
        // a reply published twice (its confirm lost with the connection) carries the same message id both times,
        // so the one sender delivers it once: what counts is one id per message
        var distinctIds = replies.stream().map(o -> o.envelope().messageId()).collect(Collectors.toSet());
        var distinctTexts = replies.stream().map(OutboundMessage::body).collect(Collectors.toSet());
        assertEquals(300, distinctTexts.size());
        assertEquals(300, distinctIds.size(), "one message id per reply, however often it was published");
        await().atMost(Duration.ofSeconds(30)).until(() -> TestBroker.depth("messaging-test.inbound") == 0);
        await().atMost(Duration.ofSeconds(20)).until(this::ready);
        assertTrue(!consumers.connectionName().equals(firstConsumerConnection), "the consumers reconnected");
        assertTrue(!publisher.connectionName().equals(firstPublisherConnection), "the publisher reconnected");
        assertEquals(0, TestBroker.depth(Queues.dlq("messaging-test.inbound")) > 0
                ? countDead(run) : 0, "nothing dead-lettered");
    }

    @Test
    void aPublishWhoseConfirmNeverComesFailsAfterItsTimeoutAndTheNextOneGoesThrough() {
        var message = ConsumingTest.inbound("frozen-" + UUID.randomUUID());
        var reply = new OutboundMessage(message.envelope().follow(RoutingKeys.Outbound.REPLY), message.from(),
                "frozen", List.of(), List.of(), null, null, null);
        proxy.freeze();
        var failure = publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply, Duration.ofMillis(800))
                .onItem().transform(x -> (Throwable) null)
                .onFailure().recoverWithItem(f -> f)
                .await().atMost(Duration.ofSeconds(10));
        assertInstanceOf(Publisher.PublishFailed.class, failure);
        assertEquals("timeout", ((Publisher.PublishFailed) failure).reason());

        proxy.freeze(false);
        // the connection may have died of missed heartbeats meanwhile: the publisher reconnects on its own
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply).await().atMost(Duration.ofSeconds(3));
            return true;
        });
        tap.await(OutboundMessage.class, o -> o.envelope().messageId().equals(reply.envelope().messageId()));
    }

    @Test
    void whileTheBrokerIsAwayPublishesWaitAndGoOutWhenItIsBack() {
        proxy.refuse(true);
        proxy.cut();
        // (a message written just before a cut fails with the connection; this one is handed over once it is gone)
        await().atMost(Duration.ofSeconds(10)).until(() -> !publisher.connected());
        var message = ConsumingTest.inbound("away-" + UUID.randomUUID());
        var reply = new OutboundMessage(message.envelope().follow(RoutingKeys.Outbound.REPLY), message.from(),
                "sent after the outage", List.of(), List.of(), null, null, null);
        var sent = publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply, Duration.ofSeconds(20))
                .subscribeAsCompletionStage();
        given().get("/q/health/ready").then().statusCode(503);
        proxy.refuse(false);

        sent.toCompletableFuture().join();
        tap.await(OutboundMessage.class, o -> o.envelope().messageId().equals(reply.envelope().messageId()));
        await().atMost(Duration.ofSeconds(20)).until(this::ready);
    }

    @Test
    void aConsumerThatHoldsAMessageWithoutProgressMakesReadinessDownUntilItMovesAgain() {
        var release = new CompletableFuture<Void>();
        var message = ConsumingTest.inbound("stuck-" + UUID.randomUUID());
        handler.script(message.body(), (m, attempt) -> Uni.createFrom().completionStage(release)
                .flatMap(x -> handler.reply(m)));
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);

        // messaging.stall-timeout=3s in this test
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 503);
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'RabbitMQ' }.data.test-in", containsString("stalled"));

        release.complete(null);
        tap.await(OutboundMessage.class, o -> o.body().equals("re: " + message.body()));
        await().atMost(Duration.ofSeconds(20)).until(this::ready);
        given().get("/q/health/ready").then().body("status", is("UP"));
    }

    private boolean ready() {
        return given().get("/q/health/ready").statusCode() == 200;
    }

    private long handled(List<UUID> ids) {
        return pool.preparedQuery("select count(*) from inbox_message where message_id = any($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))).await().indefinitely().iterator().next().getLong(0);
    }

    private int countDead(String run) {
        var seen = new HashSet<String>();
        for (var r = broker.get(Queues.dlq("messaging-test.inbound")); r != null;
             r = broker.get(Queues.dlq("messaging-test.inbound"))) {
            var body = new String(r.getBody(), java.nio.charset.StandardCharsets.UTF_8);
            if (body.contains(run)) {
                seen.add(body);
            }
        }
        return seen.size();
    }
}
