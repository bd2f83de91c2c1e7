package com.flashapp.whatsapp.gateway.health;

import com.flashapp.whatsapp.gateway.service.WebhookIntake;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Where webhooks go now and how many wait in the spool. UP while the broker or the spool can take them: a gateway
 * that answered 503 (or was taken out of the load balancer) while the broker restarts would lose Twilio's webhooks,
 * so the broker being away alone does not make it unready ({@code messaging.readiness.publisher=false}); Redis being
 * away does (its own check), since then neither dedup nor the spool works.
 */
@Readiness
@ApplicationScoped
public class WebhookIntakeReadiness implements HealthCheck {

    private final WebhookIntake intake;

    public WebhookIntakeReadiness(WebhookIntake intake) {
        this.intake = intake;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Webhook intake").up()
                .withData("to", intake.spooling() ? "spool" : "broker")
                .withData("spool-depth", intake.depth())
                .build();
    }
}
