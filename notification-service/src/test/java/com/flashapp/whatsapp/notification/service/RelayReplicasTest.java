package com.flashapp.whatsapp.notification.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Relay replicas share each sender's pace through PostgreSQL: another replica's row (written here as that replica
 * would) halves this one's pace; when it stops being seen it is dropped and the pace comes back. The heartbeat is on
 * here (off in the other tests), every 300 ms, so a replica is dropped after 0.9 s.
 */
@QuarkusTest
@TestProfile(RelayReplicasTest.Heartbeat.class)
class RelayReplicasTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    public static class Heartbeat implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // under the scheduler's one-second minimum: the rows must still live three real heartbeats
            return Map.of("app.relay.replica-heartbeat", "300ms");
        }
    }

    @Inject
    Pool pool;

    @Inject
    RelayReplicas replicas;

    @Inject
    SenderPool senders;

    @Inject
    MeterRegistry registry;

    private final UUID other = UUID.randomUUID();

    @AfterEach
    void removeTheOther() {
        pool.preparedQuery("delete from relay_replica where id = $1").execute(Tuple.of(other)).await().atMost(WAIT);
    }

    @Test
    void anotherLiveReplicaHalvesEachSendersPaceAndTheFullPaceComesBackWhenItGoes() {
        var sender = senders.senders().get(0);
        var full = sender.rate();
        await().atMost(WAIT).until(() -> replicas.count() == 1 && pace(sender) == full);

        // another replica says it is alive
        pool.preparedQuery("insert into relay_replica (id, seen_at) values ($1, now())").execute(Tuple.of(other))
                .await().atMost(WAIT);
        await().atMost(WAIT).until(() -> replicas.count() == 2);
        assertEquals(full / 2, pace(sender), 1e-9, "this replica's share of the sender's rate");
        assertEquals(2.0, registry.get("notification.relay.replicas").gauge().value());

        // it stops saying so (died without leaving): dropped after three heartbeats, the full pace is back
        pool.preparedQuery("update relay_replica set seen_at = now() - interval '1 minute' where id = $1")
                .execute(Tuple.of(other)).await().atMost(WAIT);
        await().atMost(WAIT).until(() -> replicas.count() == 1);
        assertEquals(full, pace(sender), 1e-9);
        await().atMost(WAIT).until(() -> pool.preparedQuery("select count(*) from relay_replica where id = $1")
                .execute(Tuple.of(other)).await().atMost(WAIT).iterator().next().getLong(0) == 0);
    }

    @Test
    void thisReplicaSaysItIsAliveEveryHeartbeat() {
        await().atMost(WAIT).until(() -> pool.query("select count(*) from relay_replica "
                + "where seen_at > now() - interval '1 second'").execute().await().atMost(WAIT)
                .iterator().next().getLong(0) >= 1);
    }

    @Test
    void aRowLivesThreeHeartbeatsAsTheSchedulerRunsThem() {
        // Quarkus runs an every() under a second once a second; a 0.9 s lifetime dropped a live replica's row
        assertEquals(Duration.ofSeconds(1), RelayReplicas.period(Duration.ofMillis(300)));
        assertEquals(Duration.ofSeconds(5), RelayReplicas.period(Duration.ofSeconds(5)));
    }

    private double pace(SenderPool.Sender sender) {
        return registry.get("notification.sender.rate").tag("sender", sender.from()).gauge().value();
    }
}
