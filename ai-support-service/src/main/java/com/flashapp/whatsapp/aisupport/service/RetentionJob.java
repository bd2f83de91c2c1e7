package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
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
 * Data has a lifetime: inbox entries go once no redelivery can come, the question text and feedback comments after
 * {@code app.support.retention.text}, the interaction and feedback rows after {@code app.support.retention.rows}, and
 * closed support tickets with their transcript after {@code app.support.retention.tickets}.
 */
@ApplicationScoped
public class RetentionJob {

    private final Pool pool;
    private final SupportConfig.Retention retention;
    private final java.time.Duration consentHistory;

    public RetentionJob(Pool pool, SupportConfig config) {
        this.pool = pool;
        this.retention = config.retention();
        this.consentHistory = config.aiConsent().history();
    }

    @Scheduled(every = "${app.support.retention.every:1h}", delayed = "5m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return purge(Instant.now()).onFailure().recoverWithItem(e -> {
            Log.warnf("Retention run failed (the next one retries): %s", e.getClass().getName());
            return null;
        });
    }

    /** One purge as of {@code now}. */
    public Uni<Void> purge(Instant now) {
        var inboxBefore = utc(now.minus(retention.inbox()));
        var textBefore = utc(now.minus(retention.text()));
        var rowsBefore = utc(now.minus(retention.rows()));
        return pool.preparedQuery("delete from inbox_message where received_at < $1").execute(Tuple.of(inboxBefore))
                .flatMap(x -> pool.preparedQuery("update support_interaction set question_redacted = null "
                        + "where created_at < $1 and question_redacted is not null").execute(Tuple.of(textBefore)))
                .flatMap(x -> pool.preparedQuery("update support_feedback set comment = null "
                        + "where received_at < $1 and comment is not null").execute(Tuple.of(textBefore)))
                .flatMap(x -> pool.preparedQuery("delete from support_interaction where created_at < $1")
                        .execute(Tuple.of(rowsBefore)))
                .flatMap(x -> pool.preparedQuery("delete from support_feedback where received_at < $1")
                        .execute(Tuple.of(rowsBefore)))
                // the transcript goes with its ticket (on delete cascade)
                .flatMap(x -> pool.preparedQuery("delete from support_ticket where state = 'closed' and closed_at < $1")
                        .execute(Tuple.of(utc(now.minus(retention.tickets())))))
                // a superseded AI consent choice; each user's latest stays (it is their current choice)
                .flatMap(x -> pool.preparedQuery("delete from ai_consent old where old.recorded_at < $1 "
                        + "and exists (select 1 from ai_consent newer where newer.user_ref = old.user_ref "
                        + "and (newer.recorded_at, newer.id) > (old.recorded_at, old.id))")
                        .execute(Tuple.of(utc(now.minus(consentHistory)))))
                .replaceWithVoid();
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
