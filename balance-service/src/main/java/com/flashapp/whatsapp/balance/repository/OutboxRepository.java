package com.flashapp.whatsapp.balance.repository;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.flashapp.whatsapp.balance.repository.Sql.ts;

/** The transactional outbox ({@code outbox_event}): written in the caller's transaction, read by the relay. */
@ApplicationScoped
public class OutboxRepository {

    /** An event waiting to be published. */
    public record OutboxEvent(UUID id, String exchange, String routingKey, byte[] payload) {
    }

    /** Adds an event inside the caller's transaction. */
    public Uni<Void> add(SqlClient tx, String exchange, ContractMessage message) {
        return tx.preparedQuery("insert into outbox_event (id, exchange, routing_key, payload, created_at) "
                        + "values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(message.envelope().messageId(), exchange, message.routingKey(),
                        io.vertx.core.buffer.Buffer.buffer(MessageCodec.encode(message)), ts(Instant.now())))
                .replaceWithVoid();
    }

    /** The oldest unpublished events, locked for this transaction (other replicas skip them). */
    public Uni<List<OutboxEvent>> lockBatch(SqlClient tx, int limit) {
        return tx.preparedQuery("select id, exchange, routing_key, payload from outbox_event "
                        + "where published_at is null order by created_at limit $1 for update skip locked")
                .execute(Tuple.of(limit))
                .map(rows -> {
                    var events = new ArrayList<OutboxEvent>();
                    rows.forEach(row -> events.add(new OutboxEvent(row.getUUID("id"), row.getString("exchange"),
                            row.getString("routing_key"), row.getBuffer("payload").getBytes())));
                    return events;
                });
    }

    public Uni<Void> markPublished(SqlClient tx, UUID id) {
        return tx.preparedQuery("update outbox_event set published_at = $2 where id = $1")
                .execute(Tuple.of(id, ts(Instant.now())))
                .replaceWithVoid();
    }
}
