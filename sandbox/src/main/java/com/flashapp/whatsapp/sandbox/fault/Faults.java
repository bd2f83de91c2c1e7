package com.flashapp.whatsapp.sandbox.fault;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;

/** The fault injectors of the three simulated outside services. */
@ApplicationScoped
public class Faults {

    private final FaultInjector flash = new FaultInjector(Clock.systemUTC());
    private final FaultInjector twilio = new FaultInjector(Clock.systemUTC());
    private final FaultInjector maple = new FaultInjector(Clock.systemUTC());

    public FaultInjector flash() {
        return flash;
    }

    public FaultInjector twilio() {
        return twilio;
    }

    public FaultInjector maple() {
        return maple;
    }
}
