package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.config.NotificationConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The relay replicas alive now, so that they divide each sender's pace and together keep to a WhatsApp number's
 * limit: every {@code app.relay.replica-heartbeat} each replica writes that it is alive (its row in
 * {@code relay_replica}), drops the rows not seen for three heartbeats, counts the others, and paces each sender at
 * its rate divided by all of them ({@link SenderPool#share}). A replica that stops deletes its row at once; one that
 * dies is dropped three heartbeats later, until when the others keep their smaller share (slower, never over the
 * limit). One that joins is counted by the others at their next heartbeat: until then the pool may run one share
 * over, which the relay's slow-down after Twilio's 429 absorbs. PostgreSQL's clock decides, so the replicas' clocks
 * do not matter. {@code off}: each replica paces every sender at the full rate on its own.
 */
@ApplicationScoped
public class RelayReplicas {

    static final String HEARTBEAT = "with up as (insert into relay_replica (id, seen_at) values ($1, now()) "
            + "on conflict (id) do update set seen_at = now()), "
            + "gone as (delete from relay_replica where seen_at < now() - make_interval(secs => $2)) "
            // the statement does not see its own insert: this replica is the + 1
            + "select count(*) + 1 as replicas from relay_replica "
            + "where id <> $1 and seen_at >= now() - make_interval(secs => $2)";

    /** The shortest {@code every} Quarkus' scheduler keeps to. */
    private static final Duration MIN_PERIOD = Duration.ofSeconds(1);

    private final UUID id = UUID.randomUUID();
    private final Pool pool;
    private final SenderPool senders;
    private final double ttlSeconds;
    private final AtomicInteger replicas = new AtomicInteger(1);
    private volatile boolean alive = true;

    public RelayReplicas(Pool pool, SenderPool senders, NotificationConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.senders = senders;
        var heartbeat = config.relay().replicaHeartbeat();
        this.ttlSeconds = "off".equalsIgnoreCase(heartbeat) || "disabled".equalsIgnoreCase(heartbeat) ? 0
                : 3 * period(DurationConverter.parseDuration(heartbeat)).toNanos() / 1e9;
        Gauge.builder("notification.relay.replicas", replicas, AtomicInteger::get)
                .description("Relay replicas sharing each sender's pace, as this replica counted them last")
                .register(registry);
    }

    /**
     * How often the heartbeat really runs: Quarkus' scheduler runs an {@code every} under a second once a second, so a
     * shorter setting must not shorten the three heartbeats a row lives, or a replica would drop the others' rows
     * between two of its heartbeats.
     */
    static Duration period(Duration heartbeat) {
        return heartbeat.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : heartbeat;
    }

    /** How many relays this one counted at its last heartbeat (itself included). */
    public int count() {
        return replicas.get();
    }

    @Scheduled(every = "${app.relay.replica-heartbeat}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        if (!alive) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery(HEARTBEAT).execute(Tuple.of(id, ttlSeconds))
                .invoke(rows -> {
                    int n = Math.max(1, rows.iterator().next().getLong("replicas").intValue());
                    if (replicas.getAndSet(n) != n) {
                        Log.infof("Relay replicas: %d; each sender's pace here is its rate / %d", n, n);
                        senders.share(n);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    // the share in force stays: a database outage leaves the pace as it was
                    Log.debugf("Relay heartbeat failed (the next one retries): %s", e.toString());
                    return null;
                });
    }

    /** Leaves at once, so the other replicas take up this one's share at their next heartbeat. */
    void leave(@Observes ShutdownEvent event) {
        alive = false;
        if (ttlSeconds == 0) {
            return;
        }
        try {
            pool.preparedQuery("delete from relay_replica where id = $1").execute(Tuple.of(id))
                    .await().atMost(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            Log.debugf("Could not leave relay_replica (the others drop this row after three heartbeats): %s", e);
        }
    }
}
