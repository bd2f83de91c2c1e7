package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.messaging.testkit.ProxiedBroker;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static com.flashapp.whatsapp.messaging.ShardingTest.byUser;
import static com.flashapp.whatsapp.messaging.ShardingTest.inbound;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shards spread by the replicas themselves (messaging.replica.rebalance-interval), against the real broker: this
 * application is "replica 0 of 1", as every replica of a Deployment scaled by KEDA says, and holds all four shards;
 * a second replica (a plain client, as in ShardingTest) registers on every shard and waits. Under load this
 * application hands shards over until it is active on its share, two: each user's messages stay in the order
 * published across the hand-over, and each is handled once, by one replica.
 */
@QuarkusTest
@TestProfile(RebalanceTest.Profile.class)
@QuarkusTestResource(value = ProxiedBroker.class,
        initArgs = @ResourceArg(name = "vhost", value = "flash-test-rebalance"))
class RebalanceTest {

    static final String QUEUE = "messaging-test.rebalanced";
    private static final Duration WITHIN = Duration.ofSeconds(30);

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            var overrides = ShardingTest.shardedConsumer("test-rebalanced", QUEUE);
            overrides.put("messaging.consumers.test-rebalanced.prefetch", "16");
            overrides.put("messaging.replica.rebalance-interval", "1s");
            return overrides;
        }
    }

    @Inject
    @Identifier("test-rebalanced")
    TestApplication.RecordingHandler handler;

    @Test
    void shardsOneReplicaHoldsAreHandedToAnotherUnderLoadInOrderAndOnce() throws Exception {
        for (int i = 0; i < 4; i++) {
            TestBroker.awaitConsumer(Queues.shard(QUEUE, i));
        }
        var users = new ArrayList<String>();
        for (int u = 0; u < 40; u++) {
            users.add("u_spread_" + UUID.randomUUID().toString().substring(0, 8));
        }
        var broker = new TestBroker();
        try (var other = new OtherReplica(QUEUE)) {
            // the second replica registers on every shard after this application: it waits on each
            other.consume(0, 1, 2, 3);
            await().atMost(WITHIN).until(() -> {
                for (int i = 0; i < 4; i++) {
                    if (TestBroker.consumers(Queues.shard(QUEUE, i)) != 2) {
                        return false;
                    }
                }
                return true;
            });

            // a steady load (more than this application handles at 20 ms a message), each user's messages
            // interleaved with everyone else's; the shards move while it runs
            var sent = new ArrayList<InboundMessage>();
            for (int round = 0; round < 20; round++) {
                for (var user : users) {
                    var message = inbound(user, user + "#" + round);
                    broker.publish(Exchanges.WHATSAPP_INBOUND, message);
                    sent.add(message);
                }
                Thread.sleep(200);
            }
            await().atMost(WITHIN).until(() -> ours(users).size() + other.received(users).size() >= sent.size());
            await().atMost(WITHIN).until(() -> other.shards(users).size() >= 2);
            assertEquals(20, roundsOf(users, ours(users), other.received(users)));

            // settled: one more round goes two shards to each replica, and nothing moves after that
            Thread.sleep(3_000);
            var before = other.received(users).size();
            var handledBefore = ours(users).size();
            for (var user : users) {
                broker.publish(Exchanges.WHATSAPP_INBOUND, inbound(user, user + "#last"));
            }
            await().atMost(WITHIN).until(() -> ours(users).size() + other.received(users).size()
                    == sent.size() + users.size());
            var theirLast = other.received(users).subList(before, other.received(users).size());
            var ourLast = ours(users).subList(handledBefore, ours(users).size());
            var theirShards = new HashSet<Integer>();
            for (var message : theirLast) {
                theirShards.add(shardOf(other, message.envelope().userRef()));
            }
            assertEquals(2, theirShards.size(), "the other replica is active on two shards: " + theirShards);
            assertFalse(ourLast.isEmpty(), "this replica is active on the other two");
            assertEquals(users.size(), ourLast.size() + theirLast.size());
            assertEquals(21, roundsOf(users, ours(users), other.received(users)));
            assertTrue(other.unlabelled.isEmpty());
        } finally {
            broker.close();
        }
    }

    /**
     * Every user's messages, this replica's first and then the other's, are exactly the rounds published, in order
     * and once each: the hand-over neither repeats nor reorders. Returns the rounds each user has.
     */
    private static int roundsOf(List<String> users, List<InboundMessage> ours, List<InboundMessage> theirs) {
        var here = byUser(ours);
        var there = byUser(theirs);
        var rounds = -1;
        for (var user : users) {
            var all = new ArrayList<String>(here.getOrDefault(user, List.of()));
            all.addAll(there.getOrDefault(user, List.of()));
            var expected = new ArrayList<String>();
            for (int n = 0; n < all.size(); n++) {
                expected.add(n < 20 ? user + "#" + n : user + "#last");
            }
            assertEquals(expected, all, user + ": in the order published, once each, the shard moving at most once");
            rounds = rounds < 0 ? all.size() : rounds;
            assertEquals(rounds, all.size(), user + ": every message arrived");
        }
        return rounds;
    }

    /** The shard a user's messages came to the other replica from (it received at least one of them). */
    private static int shardOf(OtherReplica other, String user) {
        Set<Integer> shards = other.shards(List.of(user));
        assertEquals(1, shards.size(), user + " is on one shard");
        return shards.iterator().next();
    }

    private List<InboundMessage> ours(List<String> users) {
        return handler.handled().stream().filter(m -> users.contains(m.envelope().userRef())).toList();
    }
}
