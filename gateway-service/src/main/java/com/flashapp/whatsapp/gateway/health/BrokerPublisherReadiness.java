package com.flashapp.whatsapp.gateway.health;

import com.flashapp.whatsapp.gateway.messaging.BrokerPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the webhook publisher is connected to the broker: without it every webhook is answered 503. */
@Readiness
@ApplicationScoped
public class BrokerPublisherReadiness implements HealthCheck {

    private final BrokerPublisher publisher;

    public BrokerPublisherReadiness(BrokerPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("RabbitMQ publisher").status(publisher.connected()).build();
    }
}
