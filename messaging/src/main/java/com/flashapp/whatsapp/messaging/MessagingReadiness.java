package com.flashapp.whatsapp.messaging;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Readiness of everything this service does with RabbitMQ: the publisher holds an open connection, every consumer is
 * registered on the current consumer connection, and none is stalled (holds unacknowledged messages and has settled
 * none for {@code messaging.stall-timeout}). The watchdog also runs on its own timer, so a stall is logged (once, with
 * the consumer and how long) even where nobody probes readiness. {@code messaging.readiness.*} can keep a part out of
 * the verdict (the gateway, which spools webhooks while the broker is away, must stay in service then). Liveness has no messaging check: a broker outage makes
 * the service unready, never restarts it.
 */
@Readiness
@ApplicationScoped
public class MessagingReadiness implements HealthCheck {

    static final String NAME = "RabbitMQ";

    private final Consumers consumers;
    private final Publisher publisher;
    private final Duration stallTimeout;
    private final Vertx vertx;
    private final MessagingConfig.Readiness decides;

    public MessagingReadiness(Consumers consumers, Publisher publisher, MessagingConfig config, Vertx vertx) {
        this.consumers = consumers;
        this.publisher = publisher;
        this.stallTimeout = config.stallTimeout();
        this.vertx = vertx;
        this.decides = config.readiness();
    }

    void watch(@Observes StartupEvent event) {
        var every = Math.max(1_000, stallTimeout.toMillis() / 4);
        vertx.setPeriodic(every, id -> consumers.all().forEach(c -> c.stalledSeconds(stallTimeout)));
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME);
        var up = true;
        if (publisher.enabled()) {
            var connected = publisher.connected();
            response.withData("publisher", connected ? "connected" : "not connected");
            up = connected || !decides.publisher();
        }
        for (var consumer : consumers.all()) {
            String state;
            if (!consumer.isConsuming() && consumer.role() == QueueConsumer.Role.DRAIN) {
                continue; // an old unsharded queue, absent or drained
            } else if (!consumer.isConsuming()) {
                state = "not consuming";
                up &= !decides.consumers();
            } else {
                var stalled = consumer.stalledSeconds(stallTimeout);
                if (stalled >= 0) {
                    state = "stalled: " + consumer.held() + " unacknowledged, none settled for " + stalled + " s";
                    up &= !decides.consumers();
                } else {
                    state = "consuming (" + consumer.held() + " held)";
                }
            }
            response.withData(consumer.label(), state);
        }
        return response.status(up).build();
    }
}
