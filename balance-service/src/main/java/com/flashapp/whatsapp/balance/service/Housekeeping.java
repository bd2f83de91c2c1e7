package com.flashapp.whatsapp.balance.service;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Data has a lifetime: expired code challenges and pending requests, published outbox events and old audit
 * rows are deleted on a schedule.
 */
@ApplicationScoped
public class Housekeeping {

    private final Pool pool;

    public Housekeeping(Pool pool) {
        this.pool = pool;
    }

    @Scheduled(every = "${balance.housekeeping.interval:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return sweep().onFailure().recoverWithItem(e -> {
            Log.warnf("Housekeeping failed: %s", e.toString());
            return null;
        });
    }

    /** One sweep. */
    public Uni<Void> sweep() {
        return pool.query("delete from code_challenge where expires_at < now() - interval '1 day'").execute()
                .flatMap(x -> pool.query("delete from pending_request where expires_at < now()").execute())
                .flatMap(x -> pool.query("delete from outbox_event where published_at < now() - interval '7 days'")
                        .execute())
                .flatMap(x -> pool.query("delete from mfa_audit where decided_at < now() - interval '400 days'")
                        .execute())
                .replaceWithVoid();
    }
}
