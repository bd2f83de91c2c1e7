package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.messaging.testkit.ProxiedBroker;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-user shards against the real broker: this application is replica 0 of 2 of a consumer with four shards, and
 * the test plays replica 1 with a plain AMQP client. One user's messages all reach one replica, in the order they
 * were published; each message is handled once; the shards are spread; when replica 1 goes, its shards move to this
 * one; and a queue left by an unsharded build is unbound and drained.
 */
@QuarkusTest
@TestProfile(ShardingTest.Profile.class)
@QuarkusTestResource(value = ProxiedBroker.class,
        initArgs = @ResourceArg(name = "vhost", value = "flash-test-messaging"))
class ShardingTest {

    static final String QUEUE = "messaging-test.sharded";
    /** The application's consumer connections ({@code <app>-consumers-<id>#<n>}). */
    private static final String APP_CONSUMERS = "messaging-test-consumers";
    private static final Duration WITHIN = Duration.ofSeconds(30);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            var overrides = shardedConsumer("test-sharded", QUEUE);
            overrides.put("messaging.replica.index", "0");
            overrides.put("messaging.replica.count", "2");
            overrides.put("messaging.replica.standby-delay", "3s");
            return overrides;
        }
    }

    /** A test consumer of {@code whatsapp.inbound} sharded four ways, instead of the module's own consumer. */
    static Map<String, String> shardedConsumer(String name, String queue) {
        var overrides = new HashMap<String, String>();
        overrides.put("messaging.consumers.test-in.enabled", "false");
        overrides.put("messaging.consumers." + name + ".queue", queue);
        overrides.put("messaging.consumers." + name + ".exchange", Exchanges.WHATSAPP_INBOUND);
        overrides.put("messaging.consumers." + name + ".routing-keys", "message.*");
        overrides.put("messaging.consumers." + name + ".shards", "4");
        overrides.put("messaging.publisher.exchanges", "whatsapp.outbound,whatsapp.inbound");
        return overrides;
    }

    @Inject
    @Identifier("test-sharded")
    TestApplication.RecordingHandler handler;

    @Inject
    Publisher publisher;

    TestBroker broker;

    @BeforeEach
    void connect() {
        broker = new TestBroker();
        for (int i = 0; i < 4; i++) {
            TestBroker.awaitConsumer(Queues.shard(QUEUE, i));
        }
    }

    @AfterEach
    void disconnect() {
        broker.close();
    }

    @Test
    void oneUsersMessagesReachOneReplicaInOrderOnceAndAShardMovesWhenItsReplicaGoes() throws Exception {
        // start afresh so the test's replica 1 registers on shards 1 and 3 before this application stands by on them
        try (var other = new OtherReplica(QUEUE)) {
            var before = await().atMost(WITHIN).until(() -> TestBroker.connections(APP_CONSUMERS), c -> !c.isEmpty());
            assertEquals(before.size(), TestBroker.closeConnections(APP_CONSUMERS));
            other.consume(1, 3);
            // this application is back on a new connection, on shards 0 and 2 alone, standing by on 1 and 3 (two
            // consumers each), where replica 1 is the active one
            await().atMost(WITHIN).until(() -> {
                var now = TestBroker.connections(APP_CONSUMERS);
                return !now.isEmpty() && now.stream().noneMatch(before::contains)
                        && TestBroker.consumers(Queues.shard(QUEUE, 0)) == 1
                        && TestBroker.consumers(Queues.shard(QUEUE, 1)) == 2
                        && TestBroker.consumers(Queues.shard(QUEUE, 3)) == 2;
            });
            publishAndFailOver(other);
        }
    }

    private void publishAndFailOver(OtherReplica other) throws Exception {

        var users = new ArrayList<String>();
        for (int u = 0; u < 30; u++) {
            users.add("u_shard_" + UUID.randomUUID().toString().substring(0, 8));
        }
        var sent = new ArrayList<InboundMessage>();
        for (int n = 0; n < 5; n++) { // round by round: each user's messages interleaved with everyone else's
            for (var user : users) {
                var message = inbound(user, user + "#" + n);
                broker.publish(Exchanges.WHATSAPP_INBOUND, message);
                sent.add(message);
            }
        }
        await().atMost(WITHIN).until(() -> ours(users).size() + other.received(users).size() == sent.size());

        var here = byUser(ours(users));
        var there = byUser(other.received(users));
        var bodies = new HashSet<String>();
        ours(users).forEach(m -> bodies.add(m.body()));
        other.received(users).forEach(m -> bodies.add(m.body()));
        assertEquals(sent.size(), bodies.size(), "every message handled once, by one replica");
        assertFalse(here.isEmpty(), "this replica has users");
        assertFalse(there.isEmpty(), "the other replica has users");
        for (var user : users) {
            assertFalse(here.containsKey(user) && there.containsKey(user), user + " is on one replica only");
            var order = here.containsKey(user) ? here.get(user) : there.get(user);
            assertEquals(List.of(user + "#0", user + "#1", user + "#2", user + "#3", user + "#4"), order,
                    "in the order published");
        }

        // the application's own publisher sets the user header: a user's next message follows the earlier ones
        var theirs = there.keySet().iterator().next();
        var mine = here.keySet().iterator().next();
        publisher.publish(Exchanges.WHATSAPP_INBOUND, inbound(theirs, theirs + "#5")).await().atMost(WITHIN);
        publisher.publish(Exchanges.WHATSAPP_INBOUND, inbound(mine, mine + "#5")).await().atMost(WITHIN);
        await().atMost(WITHIN).until(() -> bodies(other.received(users)).contains(theirs + "#5")
                && bodies(ours(users)).contains(mine + "#5"));
        assertFalse(bodies(ours(users)).contains(theirs + "#5"));
        assertTrue(other.unlabelled.isEmpty(), "every message carries its user: " + other.unlabelled);

        // replica 1 goes: its shards are this one's now, still one user's messages in order
        other.close();
        for (var user : there.keySet()) {
            for (int n = 6; n < 9; n++) {
                broker.publish(Exchanges.WHATSAPP_INBOUND, inbound(user, user + "#" + n));
            }
        }
        await().atMost(WITHIN).until(() -> byUser(ours(users)).keySet().containsAll(there.keySet())
                && there.keySet().stream().allMatch(u -> byUser(ours(users)).get(u).size() == 3));
        for (var user : there.keySet()) {
            assertEquals(List.of(user + "#6", user + "#7", user + "#8"), byUser(ours(users)).get(user));
        }
    }

    @Test
    void aQueueLeftByAnUnshardedBuildIsUnboundAndDrained() throws Exception {
        var user = "u_old_" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection connection = TestBroker.factory().newConnection("test-old-build")) {
            var channel = connection.createChannel();
            var arguments = new HashMap<String, Object>();
            arguments.put("x-queue-type", "quorum");
            arguments.put("x-delivery-limit", 3);
            arguments.put("x-dead-letter-exchange", Exchanges.DEAD_LETTERS);
            arguments.put("x-dead-letter-routing-key", QUEUE);
            channel.queueDeclare(QUEUE, true, false, false, arguments);
            channel.queueBind(QUEUE, Exchanges.WHATSAPP_INBOUND, "message.*");
            // what the old build had not consumed yet (published to it alone, with the routing key it had)
            channel.exchangeDeclare("test-old-build", "direct", false, true, null);
            channel.queueBind(QUEUE, "test-old-build", RoutingKeys.Inbound.TEXT);
            for (int n = 0; n < 3; n++) {
                channel.basicPublish("test-old-build", RoutingKeys.Inbound.TEXT,
                        new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                        MessageCodec.encode(inbound(user, user + "#old" + n)));
            }
            channel.queueUnbind(QUEUE, "test-old-build", RoutingKeys.Inbound.TEXT);
        }
        // the new build connects again
        await().atMost(WITHIN).until(() -> !TestBroker.connections(APP_CONSUMERS).isEmpty());
        assertTrue(TestBroker.closeConnections(APP_CONSUMERS) > 0);

        await().atMost(WITHIN).until(() -> ours(List.of(user)).size() == 3);
        assertEquals(List.of(user + "#old0", user + "#old1", user + "#old2"), byUser(ours(List.of(user))).get(user));
        broker.publish(Exchanges.WHATSAPP_INBOUND, inbound(user, user + "#new"));
        await().atMost(WITHIN).until(() -> ours(List.of(user)).size() == 4);
        await().atMost(WITHIN).until(() -> TestBroker.depth(QUEUE) == 0);
        var sources = RestAssured.given().urlEncodingEnabled(false).auth().preemptive().basic("guest", "guest")
                .get("http://localhost:15672/api/queues/" + URLEncoder.encode(TestBroker.virtualHost(),
                        StandardCharsets.UTF_8) + "/" + QUEUE + "/bindings")
                .then().statusCode(200).extract().jsonPath().getList("source", String.class);
        assertEquals(List.of(""), sources, "the old queue is bound to nothing but the default exchange");
    }

    // ---------------------------------------------------------------- helpers

    private List<InboundMessage> ours(List<String> users) {
        return handler.handled().stream().filter(m -> users.contains(m.envelope().userRef())).toList();
    }

    static Map<String, List<String>> byUser(List<InboundMessage> messages) {
        var by = new LinkedHashMap<String, List<String>>();
        for (var m : messages) {
            by.computeIfAbsent(m.envelope().userRef(), k -> new ArrayList<>()).add(m.body());
        }
        return by;
    }

    private static List<String> bodies(List<InboundMessage> messages) {
        return messages.stream().map(InboundMessage::body).toList();
    }

    static InboundMessage inbound(String userRef, String text) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var envelope = Envelope.create(RoutingKeys.Inbound.TEXT, sid, userRef);
        return new InboundMessage(envelope, sid, "whatsapp:+18765550101", "+18765550101", "Test", text, false,
                List.of(), null, null, null, null, Instant.now());
    }
}
