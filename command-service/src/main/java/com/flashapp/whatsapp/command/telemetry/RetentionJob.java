package com.flashapp.whatsapp.command.telemetry;

import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.command.repository.IntentPhraseRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Deletes telemetry, inbox and intent-phrasing rows and inactive unlinked users past their retention, so no table
 * grows forever (docs/data-lifecycle.md).
 */
@ApplicationScoped
public class RetentionJob {

    private final Pool pool;
    private final IntentPhraseRepository phrases;
    private final CommandConfig.Retention retention;

    public RetentionJob(Pool pool, IntentPhraseRepository phrases, CommandConfig config) {
        this.pool = pool;
        this.phrases = phrases;
        this.retention = config.retention();
    }

    @Scheduled(every = "${command.retention.every:1h}", delayed = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        var telemetryBefore = OffsetDateTime.ofInstant(Instant.now().minus(retention.telemetry()), ZoneOffset.UTC);
        var inboxBefore = OffsetDateTime.ofInstant(Instant.now().minus(retention.inbox()), ZoneOffset.UTC);
        return pool.preparedQuery("delete from command_event where occurred_at < $1")
                .execute(Tuple.of(telemetryBefore))
                .flatMap(events -> pool.preparedQuery("delete from inbox_message where received_at < $1")
                        .execute(Tuple.of(inboxBefore))
                        .invoke(inbox -> Log.debugf("Retention: %d telemetry rows, %d inbox rows deleted",
                                events.rowCount(), inbox.rowCount())))
                .flatMap(ignored -> phrases.purgeBefore(Instant.now().minus(retention.intentPhrases()))
                        .invoke(rows -> Log.debugf("Retention: %d intent phrasing rows deleted", rows)))
                .flatMap(ignored -> pool.preparedQuery("delete from conversation_user where not linked "
                                + "and not blocked and coalesce(last_seen_at, unlinked_at, first_seen_at) < $1")
                        .execute(Tuple.of(OffsetDateTime.ofInstant(Instant.now().minus(retention.inactiveUsers()),
                                ZoneOffset.UTC)))
                        .invoke(users -> Log.debugf("Retention: %d inactive users forgotten", users.rowCount())))
                .flatMap(ignored -> pool.preparedQuery("delete from handoff_route where state = 'closed' and "
                                + "updated_at < $1")
                        .execute(Tuple.of(OffsetDateTime.ofInstant(Instant.now().minus(retention.handoffRoutes()),
                                ZoneOffset.UTC))))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Retention purge failed, will retry next run: %s", e.getClass().getName());
                    return null;
                });
    }
}
