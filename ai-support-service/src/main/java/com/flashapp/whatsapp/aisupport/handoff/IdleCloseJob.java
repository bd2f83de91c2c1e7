package com.flashapp.whatsapp.aisupport.handoff;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

/**
 * A ticket left idle closes itself: assigned ones after {@code app.support.handoff.idle-close} without a message from
 * either side, waiting ones after {@code waiting-close} without one from the user. Both sides are told; the route
 * goes back to command-service. Each close is a conditional update, so two replicas running the job close a ticket
 * once.
 */
@ApplicationScoped
public class IdleCloseJob {

    private final HandoffService handoff;

    public IdleCloseJob(HandoffService handoff) {
        this.handoff = handoff;
    }

    @Scheduled(every = "${app.support.handoff.idle-every:1m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return handoff.closeIdle(Instant.now())
                .invoke(n -> {
                    if (n > 0) {
                        Log.infof("Closed %d idle ticket(s)", n);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Idle-close run failed (the next one retries): %s", e.getClass().getName());
                    return null;
                });
    }
}
