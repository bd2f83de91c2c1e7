package com.flashapp.whatsapp.sandbox.fault;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/** Holds the active faults of one simulated service and decides, per request, which one strikes. */
public class FaultInjector {

    public static final Set<String> MODES = Set.of("latency", "http500", "http429", "graphqlError", "drop");

    /** A fault with its expiry; {@code operation} null = every request. */
    public record Active(String mode, double rate, long latencyMs, Instant until, String operation) {

        boolean targets(String requestOperation) {
            return operation == null || operation.equals(requestOperation);
        }
    }

    private final List<Active> faults = new CopyOnWriteArrayList<>();
    private final Clock clock;

    public FaultInjector(Clock clock) {
        this.clock = clock;
    }

    /** Validates and activates a fault; returns an error text if the fault is not valid. */
    public Optional<String> add(Fault fault) {
        if (fault == null || fault.mode() == null || !MODES.contains(fault.mode())) {
            return Optional.of("mode must be one of " + MODES);
        }
        double rate = fault.rate() == null ? 1.0 : fault.rate();
        if (rate < 0 || rate > 1) {
            return Optional.of("rate must be between 0 and 1");
        }
        long latency = fault.latencyMs() == null ? 0 : fault.latencyMs();
        if (latency < 0 || latency > 120_000) {
            return Optional.of("latencyMs must be between 0 and 120000");
        }
        long duration = fault.durationSeconds() == null ? 60 : fault.durationSeconds();
        if (duration <= 0) {
            return Optional.of("durationSeconds must be positive");
        }
        var operation = fault.operation() == null || fault.operation().isBlank() ? null : fault.operation().strip();
        faults.add(new Active(fault.mode(), rate, latency, clock.instant().plusSeconds(duration), operation));
        return Optional.empty();
    }

    public void clear() {
        faults.clear();
    }

    public List<Active> active() {
        var now = clock.instant();
        faults.removeIf(f -> !f.until().isAfter(now));
        return List.copyOf(faults);
    }

    /** Added latency for this request (sum of the latency faults that strike). */
    public long latencyMs() {
        return latencyMs(null);
    }

    /** Added latency for a request of that operation (faults for other operations do not strike). */
    public long latencyMs(String operation) {
        return active().stream().filter(f -> f.mode().equals("latency") && targetsAndStrikes(f, operation))
                .mapToLong(Active::latencyMs).sum();
    }

    /** The first non-latency fault that strikes this request, if any. */
    public Optional<String> failure() {
        return failure(null);
    }

    /** The first non-latency fault that strikes a request of that operation, if any. */
    public Optional<String> failure(String operation) {
        return active().stream().filter(f -> !f.mode().equals("latency") && targetsAndStrikes(f, operation))
                .map(Active::mode).findFirst();
    }

    private static boolean targetsAndStrikes(Active fault, String operation) {
        return fault.targets(operation) && strikes(fault);
    }

    private static boolean strikes(Active fault) {
        return fault.rate() >= 1.0 || ThreadLocalRandom.current().nextDouble() < fault.rate();
    }
}
