package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.config.NotificationConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import static com.flashapp.whatsapp.notification.repository.OutboxRepository.odt;

/**
 * Data has a lifetime (docs/data-lifecycle.md): inbox entries are dropped once no redelivery can come, finished
 * messages lose their text and the recipient's number after {@code app.retention.message-content} and the whole
 * record after {@code app.retention.message-rows}; payment notifications and inbound times go after theirs.
 */
@ApplicationScoped
public class RetentionJob {

    private final Pool pool;
    private final NotificationConfig.Retention config;
    private final Clock clock;

    public RetentionJob(Pool pool, NotificationConfig config, Clock clock) {
        this.pool = pool;
        this.config = config.retention();
        this.clock = clock;
    }

    @Scheduled(every = "${app.retention.interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> purge() {
        var now = clock.instant();
        return pool.preparedQuery("delete from inbox_message where received_at < $1")
                .execute(Tuple.of(odt(now.minus(config.inbox()))))
                .flatMap(inbox -> pool.preparedQuery("update outbound_message set body = null, media_urls = '[]', "
                                + "quick_replies = '[]', template_variables = '{}', to_address = 'redacted' "
                                + "where created_at < $1 and state not in ('queued', 'sending') "
                                + "and to_address <> 'redacted'")
                        .execute(Tuple.of(odt(now.minus(config.messageContent()))))
                        .invoke(messages -> Log.infof("Retention: %d inbox entries dropped, %d messages redacted",
                                inbox.rowCount(), messages.rowCount())))
                .flatMap(x -> purgeRecords(now))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Retention run failed (the next one retries): %s", e.getClass().getName());
                    return null;
                });
    }

    /** Whole rows past their retention: finished messages with their steps and sid, payments, inbound times. */
    private Uni<Void> purgeRecords(Instant now) {
        var rowsBefore = Tuple.of(odt(now.minus(config.messageRows())));
        return pool.preparedQuery("delete from outbound_event e using outbound_message m where e.message_id = m.id "
                        + "and m.created_at < $1 and m.state not in ('queued', 'sending')").execute(rowsBefore)
                .flatMap(x -> pool.preparedQuery("delete from outbound_sid s using outbound_message m "
                        + "where s.message_id = m.id and m.created_at < $1 "
                        + "and m.state not in ('queued', 'sending')").execute(rowsBefore))
                .flatMap(x -> pool.preparedQuery("delete from outbound_message where created_at < $1 "
                        + "and state not in ('queued', 'sending')").execute(rowsBefore))
                // an unmatched callback's recipient is needed only while a lease may still run out (minutes)
                .flatMap(x -> pool.preparedQuery("update outbound_event set to_address = null "
                        + "where to_address is not null and occurred_at < $1")
                        .execute(Tuple.of(odt(now.minus(Duration.ofHours(1))))))
                // callbacks for messages we never knew (or already deleted) are kept no longer than the messages
                .flatMap(x -> pool.preparedQuery("delete from outbound_event where occurred_at < $1")
                        .execute(rowsBefore))
                .flatMap(x -> pool.preparedQuery("delete from payment_notification where created_at < $1 "
                        + "and state <> 'held'").execute(Tuple.of(odt(now.minus(config.payments())))))
                .flatMap(x -> pool.preparedQuery("delete from inbound_window where last_inbound_at < $1")
                        .execute(Tuple.of(odt(now.minus(config.inboundWindow())))))
                // a superseded consent choice; each user's latest stays (it is their current choice)
                .flatMap(x -> pool.preparedQuery("delete from notification_consent old where old.recorded_at < $1 "
                        + "and exists (select 1 from notification_consent newer where newer.user_ref = old.user_ref "
                        + "and (newer.recorded_at, newer.id) > (old.recorded_at, old.id))")
                        .execute(Tuple.of(odt(now.minus(config.consentHistory())))))
                .replaceWithVoid();
    }
}
