package com.flashapp.whatsapp.balance.request;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static com.flashapp.whatsapp.balance.wallet.Times.instant;
import static com.flashapp.whatsapp.balance.wallet.Times.ts;

/** Payment requests a user made ({@code payment_request}). */
@ApplicationScoped
public class PaymentRequestRepository {

    /** One request; {@code amountMinor} in {@code unit} (USD cents or SATS). */
    public record StoredRequest(UUID id, String userRef, String status, long amountMinor, String unit,
                                String counterparty, boolean delivered, String memo, String paymentRequest,
                                Instant createdAt, Instant expiresAt) {
    }

    private final Pool pool;

    public PaymentRequestRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> save(StoredRequest r) {
        return pool.preparedQuery("insert into payment_request (id, user_ref, status, amount_minor, unit, counterparty, "
                        + "delivered, memo, payment_request, created_at, expires_at) values "
                        + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .execute(Tuple.from(Arrays.asList(r.id(), r.userRef(), r.status(), r.amountMinor(), r.unit(),
                        r.counterparty(), r.delivered(), r.memo(), r.paymentRequest(), ts(r.createdAt()),
                        ts(r.expiresAt()))))
                .replaceWithVoid();
    }

    /** Open, unexpired requests, oldest first (their numbers in "request cancel <n>"). */
    public Uni<List<StoredRequest>> open(String userRef, Instant now, int limit) {
        return pool.preparedQuery("select * from payment_request where user_ref = $1 and status = 'OPEN' "
                        + "and expires_at > $2 order by created_at, id limit $3")
                .execute(Tuple.of(userRef, ts(now), limit))
                .map(rows -> {
                    var result = new ArrayList<StoredRequest>();
                    rows.forEach(row -> result.add(new StoredRequest(row.getUUID("id"), row.getString("user_ref"),
                            row.getString("status"), row.getLong("amount_minor"), row.getString("unit"),
                            row.getString("counterparty"), row.getBoolean("delivered"), row.getString("memo"),
                            row.getString("payment_request"), instant(row, "created_at"),
                            instant(row, "expires_at"))));
                    return result;
                });
    }

    public Uni<Boolean> cancel(UUID id, String userRef) {
        return pool.preparedQuery("update payment_request set status = 'CANCELLED' where id = $1 and user_ref = $2 "
                        + "and status = 'OPEN'")
                .execute(Tuple.of(id, userRef))
                .map(rows -> rows.rowCount() > 0);
    }
}
