package com.flashapp.whatsapp.balance.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

import static com.flashapp.whatsapp.balance.repository.Sql.instant;
import static com.flashapp.whatsapp.balance.repository.Sql.ts;

/** Requests waiting for an MFA code ({@code pending_request}); the payload is ciphertext. */
@ApplicationScoped
public class PendingRequestRepository {

    public record Pending(UUID id, String userRef, String routingKey, String payloadCiphertext, Instant expiresAt) {
    }

    private final Pool pool;

    public PendingRequestRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> save(Pending pending, Instant now) {
        return pool.preparedQuery("insert into pending_request (id, user_ref, routing_key, payload_ciphertext, "
                        + "created_at, expires_at) values ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(pending.id(), pending.userRef(), pending.routingKey(), pending.payloadCiphertext(),
                        ts(now), ts(pending.expiresAt())))
                .replaceWithVoid();
    }

    /** Removes and returns a pending request of this user (null when gone or expired). */
    public Uni<Pending> take(UUID id, String userRef, Instant now) {
        return pool.preparedQuery("delete from pending_request where id = $1 and user_ref = $2 "
                        + "returning id, user_ref, routing_key, payload_ciphertext, expires_at")
                .execute(Tuple.of(id, userRef))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    var row = rows.iterator().next();
                    var pending = new Pending(row.getUUID("id"), row.getString("user_ref"),
                            row.getString("routing_key"), row.getString("payload_ciphertext"),
                            instant(row, "expires_at"));
                    return pending.expiresAt().isBefore(now) ? null : pending;
                });
    }

    public Uni<Void> deleteForUser(String userRef) {
        return pool.preparedQuery("delete from pending_request where user_ref = $1")
                .execute(Tuple.of(userRef)).replaceWithVoid();
    }

    public Uni<Void> deleteExpired(Instant now) {
        return pool.preparedQuery("delete from pending_request where expires_at < $1")
                .execute(Tuple.of(ts(now))).replaceWithVoid();
    }
}
