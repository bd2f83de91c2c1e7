package com.flashapp.whatsapp.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/** The idempotency inbox: which message ids each consumer has already handled. */
@ApplicationScoped
public class InboxRepository {

    private final Pool pool;

    public InboxRepository(Pool pool) {
        this.pool = pool;
    }

    /** Whether the consumer has already handled this message id. */
    public Uni<Boolean> handled(UUID messageId, String consumer) {
        return pool.preparedQuery("select 1 from inbox_message where message_id = $1 and consumer = $2")
                .execute(Tuple.of(messageId, consumer))
                .map(rows -> rows.size() > 0);
    }

    /**
     * Records that the consumer handled this message id. Called after handling succeeded, so a failed attempt
     * is retried; handlers stay idempotent for the rare crash between handling and recording.
     */
    public Uni<Void> record(UUID messageId, String consumer) {
        return pool.preparedQuery("insert into inbox_message (message_id, consumer, received_at) "
                        + "values ($1, $2, now()) on conflict do nothing")
                .execute(Tuple.of(messageId, consumer))
                .replaceWithVoid();
    }
}
