package com.flashapp.whatsapp.command.telemetry;

import com.flashapp.whatsapp.command.CommandEvent;
import com.flashapp.whatsapp.command.repository.CommandEventRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;

/** Records each handled message (command, outcome, latency; never the body) in PostgreSQL and as a metric. */
@ApplicationScoped
public class Telemetry {

    private final CommandEventRepository events;
    private final MeterRegistry registry;

    public Telemetry(CommandEventRepository events, MeterRegistry registry) {
        this.events = events;
        this.registry = registry;
    }

    /** Records the outcome; a failure to write telemetry never fails the user's message. */
    public Uni<Void> record(String userRef, String command, Outcome outcome, long startedNanos) {
        var latency = Duration.ofNanos(System.nanoTime() - startedNanos);
        Timer.builder("command.handled")
                .description("Messages handled by the command engine")
                .tag("command", command)
                .tag("outcome", outcome.label())
                .register(registry)
                .record(latency);
        var event = new CommandEvent();
        event.userRef = userRef == null ? "unknown" : userRef;
        event.command = command;
        event.outcome = outcome.label();
        event.latencyMs = latency.toMillis();
        event.occurredAt = Instant.now();
        return Panache.withTransaction(() -> events.persist(event)).replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Could not record telemetry for %s: %s", command, e.toString());
                    return null;
                });
    }
}
