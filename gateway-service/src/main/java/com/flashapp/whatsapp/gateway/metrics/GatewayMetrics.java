package com.flashapp.whatsapp.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's meters: webhooks received, rejected (by reason), published, deduplicated, rate-limited, and the
 * ack latency (from request to answer), each tagged with the endpoint ({@code messages}, {@code status},
 * {@code flash}); and the media intake: store requests stored, rejected (by reason), requeued, and image fetches
 * waiting for an image not stored yet; the spool's depth, messages spooled and relayed.
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;

    private final AtomicInteger mediaAwaiting = new AtomicInteger();
    // meters are looked up once per name and tags, not built and registered again on every webhook (that lookup was
    // a visible part of a webhook's CPU)
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("gateway.media.awaiting", mediaAwaiting);
    }

    public void received(String endpoint) {
        counter("gateway.webhooks.received", endpoint).increment();
    }

    public void rejected(String endpoint, String reason) {
        counters.computeIfAbsent("gateway.webhooks.rejected|" + endpoint + "|" + reason,
                k -> Counter.builder("gateway.webhooks.rejected").tag("endpoint", endpoint).tag("reason", reason)
                        .register(registry)).increment();
    }

    /** The spool's depth, as the intake last read it. */
    public void spoolDepth(java.util.concurrent.atomic.AtomicLong depth) {
        registry.gauge("gateway.spool.depth", depth);
    }

    /** A webhook published without dedup and rate limit because Redis was away. */
    public void unchecked(String endpoint) {
        counter("gateway.webhooks.unchecked", endpoint).increment();
    }

    public void spooled() {
        counters.computeIfAbsent("gateway.spool.spooled", k -> registry.counter(k)).increment();
    }

    public void relayed(int count) {
        counters.computeIfAbsent("gateway.spool.relayed", k -> registry.counter(k)).increment(count);
    }

    public void published(String endpoint) {
        counter("gateway.webhooks.published", endpoint).increment();
    }

    public void deduplicated(String endpoint) {
        counter("gateway.webhooks.deduplicated", endpoint).increment();
    }

    public void rateLimited(String endpoint) {
        counter("gateway.webhooks.rate_limited", endpoint).increment();
    }

    public void ack(String endpoint, int status, long nanos) {
        timers.computeIfAbsent(endpoint + "|" + status, k -> Timer.builder("gateway.webhooks.ack")
                .description("time from receiving a webhook to answering it")
                .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void mediaStored() {
        registry.counter("gateway.media.stored").increment();
    }

    public void mediaRejected(String reason) {
        registry.counter("gateway.media.rejected", "reason", reason).increment();
    }

    public void mediaRequeued() {
        registry.counter("gateway.media.requeued").increment();
    }

    /** The number of image fetches currently waiting for their image to be stored (a test waits on it too). */
    public AtomicInteger mediaAwaiting() {
        return mediaAwaiting;
    }

    private Counter counter(String name, String endpoint) {
        return counters.computeIfAbsent(name + "|" + endpoint,
                k -> Counter.builder(name).tag("endpoint", endpoint).register(registry));
    }
}
