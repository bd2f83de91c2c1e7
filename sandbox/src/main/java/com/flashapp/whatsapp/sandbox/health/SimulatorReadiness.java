package com.flashapp.whatsapp.sandbox.health;

import com.flashapp.whatsapp.sandbox.flash.FlashState;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the Flash simulator has its schema wired and its users loaded (in memory, no downstream call). */
@Readiness
@ApplicationScoped
public class SimulatorReadiness implements HealthCheck {

    private final FlashState state;

    public SimulatorReadiness(FlashState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("flash-simulator").up().withData("users", state.users().size()).build();
    }
}
