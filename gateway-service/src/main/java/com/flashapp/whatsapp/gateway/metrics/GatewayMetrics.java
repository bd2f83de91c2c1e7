package com.flashapp.whatsapp.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * The gateway's meters: webhooks received, rejected (by reason), published, deduplicated, rate-limited, and the
 * ack latency (from request to answer), each tagged with the endpoint ({@code messages}, {@code status},
 * {@code flash}).
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void received(String endpoint) {
        counter("gateway.webhooks.received", endpoint).increment();
    }

    public void rejected(String endpoint, String reason) {
        Counter.builder("gateway.webhooks.rejected").tag("endpoint", endpoint).tag("reason", reason)
                .register(registry).increment();
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
        Timer.builder("gateway.webhooks.ack")
                .description("time from receiving a webhook to answering it")
                .tag("endpoint", endpoint).tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry).record(Duration.ofNanos(nanos));
    }

    private Counter counter(String name, String endpoint) {
        return Counter.builder(name).tag("endpoint", endpoint).register(registry);
    }
}
