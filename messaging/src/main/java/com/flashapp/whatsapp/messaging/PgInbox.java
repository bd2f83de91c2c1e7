package com.flashapp.whatsapp.messaging;

import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The inbox in the service's own PostgreSQL database, table {@code inbox_message (message_id, consumer, received_at)}
 * with primary key {@code (message_id, consumer)} (each service's Flyway V1 creates it; each service's retention job
 * deletes old rows). Left out of services built with {@code messaging.inbox.store=none} (the gateway has no database).
 */
@ApplicationScoped
@IfBuildProperty(name = "messaging.inbox.store", stringValue = "postgresql", enableIfMissing = true)
public class PgInbox implements Inbox {

    private final Pool pool;

    public PgInbox(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<Boolean> seen(UUID messageId, String consumer) {
        return pool.preparedQuery("select 1 from inbox_message where message_id = $1 and consumer = $2")
                .execute(Tuple.of(messageId, consumer))
                .map(rows -> rows.size() > 0);
    }

    @Override
    public Uni<Void> record(UUID messageId, String consumer) {
        return pool.preparedQuery("insert into inbox_message (message_id, consumer, received_at) "
                        + "values ($1, $2, now()) on conflict do nothing")
                .execute(Tuple.of(messageId, consumer))
                .replaceWithVoid();
    }
}
