package com.flashapp.whatsapp.command.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records each handled message (command, outcome, latency; never the body) as a metric and as a row of
 * {@code command_event}. The rows are written behind the conversation: a message's handling does not wait for its
 * row, and every row that queued while one insert ran goes in the next, one statement for all of them, so under
 * load PostgreSQL sees one insert per group instead of a transaction per message. A failure to write telemetry never
 * fails the user's message; rows that could not be written are kept for the next insert, at most
 * {@link #MAX_QUEUED} (older ones beyond that are dropped and counted: {@code command.telemetry.dropped}).
 */
@ApplicationScoped
public class Telemetry {

    static final int MAX_QUEUED = 10_000;
    private static final int MAX_INSERT = 1_000;
    static final String INSERT = "insert into command_event (id, user_ref, command, outcome, latency_ms, occurred_at) "
            + "select nextval('command_event_seq'), * from unnest($1::varchar[], $2::varchar[], $3::varchar[], "
            + "$4::bigint[], $5::timestamptz[])";

    private record Row(long seq, String userRef, String command, String outcome, long latencyMs,
                       OffsetDateTime at) {
    }

    /** Someone waiting until every row up to {@code seq} has been written or given up on. */
    private record Waiter(long seq, CompletableFuture<Void> done) {
    }

    private final Pool pool;
    private final MeterRegistry registry;
    private final Counter dropped;
    private final ConcurrentLinkedQueue<Row> queued = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    private volatile List<Row> inFlight = List.of();

    public Telemetry(Pool pool, MeterRegistry registry) {
        this.pool = pool;
        this.registry = registry;
        this.dropped = Counter.builder("command.telemetry.dropped")
                .description("Telemetry rows dropped because too many could not be written").register(registry);
    }

    /** Records the outcome: the metric at once, the row written behind (see the class). */
    public Uni<Void> record(String userRef, String command, Outcome outcome, long startedNanos) {
        var latency = Duration.ofNanos(System.nanoTime() - startedNanos);
        Timer.builder("command.handled")
                .description("Messages handled by the command engine")
                .tag("command", command)
                .tag("outcome", outcome.label())
                .register(registry)
                .record(latency);
        enqueue(new Row(sequence.incrementAndGet(), userRef == null ? "unknown" : userRef, command, outcome.label(),
                latency.toMillis(), OffsetDateTime.ofInstant(Instant.now(), ZoneOffset.UTC)));
        writeBehind();
        return Uni.createFrom().voidItem();
    }

    /**
     * Completes once every row recorded before the call has been written or given up on (erasure waits for it, so
     * no row of a user it erased is written after it). Gives up waiting after five seconds.
     */
    public Uni<Void> flushed() {
        var waiter = new Waiter(sequence.get(), new CompletableFuture<>());
        waiters.add(waiter);
        writeBehind();
        settle();
        return Uni.createFrom().completionStage(waiter.done())
                .ifNoItem().after(Duration.ofSeconds(5)).recoverWithUni(() -> {
                    waiters.remove(waiter);
                    Log.warnf("Telemetry recorded before an erasure not written within 5 s");
                    return Uni.createFrom().voidItem();
                });
    }

    /** Completes the waiters whose rows have all been written or dropped. */
    private void settle() {
        if (waiters.isEmpty()) {
            return;
        }
        long oldest = Long.MAX_VALUE;
        synchronized (queued) { // not while writeBehind moves rows from the queue to the insert
            for (var row : inFlight) {
                oldest = Math.min(oldest, row.seq());
            }
            for (var row : queued) {
                oldest = Math.min(oldest, row.seq());
            }
        }
        for (var waiter : waiters) {
            if (waiter.seq() < oldest && waiters.remove(waiter)) {
                waiter.done().complete(null);
            }
        }
    }

    private void enqueue(Row row) {
        queued.add(row);
        if (size.incrementAndGet() > MAX_QUEUED && queued.poll() != null) {
            size.decrementAndGet();
            dropped.increment();
            settle();
        }
    }

    private void writeBehind() {
        if (queued.isEmpty() || !writing.compareAndSet(false, true)) {
            return; // the running insert's completion writes what queued meanwhile
        }
        var rows = new ArrayList<Row>();
        synchronized (queued) {
            Row next;
            while (rows.size() < MAX_INSERT && (next = queued.poll()) != null) {
                rows.add(next);
                size.decrementAndGet();
            }
            inFlight = rows;
        }
        if (rows.isEmpty()) {
            inFlight = List.of();
            writing.set(false);
            return;
        }
        insert(rows).subscribe().with(ignored -> {
            inFlight = List.of();
            writing.set(false);
            settle();
            writeBehind();
        }, failure -> {
            Log.warnf("Could not write %d telemetry rows (kept for the next attempt): %s", rows.size(),
                    failure.toString());
            rows.forEach(this::enqueue);
            inFlight = List.of();
            writing.set(false);
            // not at once: the next message tries again, so a database that is down is not hammered; someone
            // waiting for the rows (an erasure) has the next attempt made shortly
            if (!waiters.isEmpty()) {
                Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(100))
                        .subscribe().with(x -> writeBehind());
            }
        });
    }

    private Uni<Void> insert(List<Row> rows) {
        return pool.preparedQuery(INSERT).execute(Tuple.of(
                        rows.stream().map(Row::userRef).toArray(String[]::new),
                        rows.stream().map(Row::command).toArray(String[]::new),
                        rows.stream().map(Row::outcome).toArray(String[]::new),
                        rows.stream().map(Row::latencyMs).toArray(Long[]::new),
                        rows.stream().map(Row::at).toArray(OffsetDateTime[]::new)))
                .replaceWithVoid();
    }
}
