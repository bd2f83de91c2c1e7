package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.config.NotificationConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;

import static com.flashapp.whatsapp.notification.repository.OutboxRepository.odt;

/**
 * Data has a lifetime: inbox entries are dropped once no redelivery can come, and finished messages lose their
 * text and the recipient's number after the retention period (state and history stay for operators).
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
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Retention run failed (the next one retries): %s", e.toString());
                    return null;
                });
    }
}
