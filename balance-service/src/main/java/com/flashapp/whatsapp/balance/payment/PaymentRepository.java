package com.flashapp.whatsapp.balance.payment;

import com.flashapp.whatsapp.balance.payment.PaymentIntent.Status;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import static com.flashapp.whatsapp.balance.wallet.Times.instant;
import static com.flashapp.whatsapp.balance.wallet.Times.ts;

/** Payment intents ({@code payment_intent}) and the money-movement audit ({@code payment_audit}). */
@ApplicationScoped
public class PaymentRepository {

    private static final String COLUMNS = "id, user_ref, status, kind, wallet_id, wallet_currency, recipient_kind, "
            + "recipient_label, recipient_key, amount_minor, usd_cents, memo, flash_transaction_id, created_at, "
            + "expires_at";

    private final Pool pool;

    public PaymentRepository(Pool pool) {
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    /**
     * Records that this intent is being handed to Flash by a mutation without an idempotency key; false when it
     * already was (then it must not be called again).
     */
    public Uni<Boolean> firstAttempt(UUID id, String userRef, Instant now) {
        return pool.preparedQuery("insert into payment_attempt (intent_id, user_ref, attempted_at) values ($1, $2, $3) "
                        + "on conflict (intent_id) do nothing")
                .execute(Tuple.of(id, userRef, ts(now)))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Void> create(PaymentIntent intent) {
        return insert(pool, intent, "");
    }

    /** Creates the intent unless one with its id exists (an invite's payment taken again after an unknown outcome). */
    public Uni<Void> createIfAbsent(SqlClient client, PaymentIntent intent) {
        return insert(client, intent, " on conflict (id) do nothing");
    }

    private static Uni<Void> insert(SqlClient client, PaymentIntent intent, String onConflict) {
        return client.preparedQuery("insert into payment_intent (" + COLUMNS + ") values "
                        + "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)" + onConflict)
                .execute(Tuple.from(Arrays.asList(intent.id(), intent.userRef(), intent.status().name(),
                        intent.kind().name(), intent.walletId(), intent.walletCurrency(), intent.recipientKind(),
                        intent.recipientLabel(), intent.recipientKey(), intent.amountMinor(), intent.usdCents(),
                        intent.memo(), intent.flashTransactionId(), ts(intent.createdAt()), ts(intent.expiresAt()))))
                .replaceWithVoid();
    }

    public Uni<PaymentIntent> find(UUID id, String userRef) {
        return pool.preparedQuery("select " + COLUMNS + " from payment_intent where id = $1 and user_ref = $2")
                .execute(Tuple.of(id, userRef))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /**
     * Takes the intent for sending: a PENDING one still within its time, or one left SENDING by an attempt whose
     * outcome is unknown (re-sent with the same idempotency key). Null when it cannot be sent (any more).
     */
    public Uni<PaymentIntent> claim(UUID id, String userRef, Instant now) {
        return pool.preparedQuery("update payment_intent set status = 'SENDING', decided_at = $3 where id = $1 "
                        + "and user_ref = $2 and ((status = 'PENDING' and expires_at > $3) or status = 'SENDING') "
                        + "returning " + COLUMNS)
                .execute(Tuple.of(id, userRef, ts(now)))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** Moves a PENDING intent to DECLINED or EXPIRED; true when it changed. */
    public Uni<Boolean> close(UUID id, String userRef, Status status, Instant now) {
        return pool.preparedQuery("update payment_intent set status = $3, decided_at = $4 where id = $1 "
                        + "and user_ref = $2 and status = 'PENDING'")
                .execute(Tuple.of(id, userRef, status.name(), ts(now)))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Void> finish(SqlClient client, UUID id, Status status, String flashStatus, String flashError,
                            String flashTransactionId) {
        return client.preparedQuery("update payment_intent set status = $2, flash_status = $3, flash_error = $4, "
                        + "flash_transaction_id = $5 where id = $1")
                .execute(Tuple.from(Arrays.asList(id, status.name(), flashStatus, flashError, flashTransactionId)))
                .replaceWithVoid();
    }

    /** US cents sent (or being sent) since {@code since}. */
    public Uni<Long> sentSince(String userRef, Instant since) {
        return pool.preparedQuery("select coalesce(sum(usd_cents), 0) as total from payment_intent where user_ref = $1 "
                        + "and status in ('SENT', 'SENDING') and created_at >= $2")
                .execute(Tuple.of(userRef, ts(since)))
                .map(rows -> rows.iterator().next().getLong("total"));
    }

    /** Payments sent (or being sent) since {@code since}. */
    public Uni<Integer> countSince(String userRef, Instant since) {
        return pool.preparedQuery("select count(*) as n from payment_intent where user_ref = $1 "
                        + "and status in ('SENT', 'SENDING') and created_at >= $2")
                .execute(Tuple.of(userRef, ts(since)))
                .map(rows -> rows.iterator().next().getInteger("n"));
    }

    /** Whether the user has paid this recipient (wallet id or invoice payee) before. */
    public Uni<Boolean> knownRecipient(String userRef, String recipientKey) {
        return pool.preparedQuery("select 1 from payment_intent where user_ref = $1 and recipient_key = $2 "
                        + "and status = 'SENT' limit 1")
                .execute(Tuple.of(userRef, recipientKey))
                .map(rows -> rows.size() > 0);
    }

    /** One audit row: who, what, to whom, how much, the decision and Flash's transaction id. */
    public Uni<Void> audit(SqlClient client, String userRef, UUID intentId, String operation, String recipient,
                           Long amountMinor, String unit, Long usdCents, String decision, String reason,
                           String flashTransactionId, Instant at) {
        return audit(client, userRef, intentId, operation, recipient, amountMinor, unit, usdCents, decision, reason,
                flashTransactionId, null, null, at);
    }

    /** An audit row with the Lightning fee Flash quoted ({@code feeMinor} in {@code feeUnit}: SATS or USD cents). */
    public Uni<Void> audit(SqlClient client, String userRef, UUID intentId, String operation, String recipient,
                           Long amountMinor, String unit, Long usdCents, String decision, String reason,
                           String flashTransactionId, Long feeMinor, String feeUnit, Instant at) {
        return client.preparedQuery("insert into payment_audit (user_ref, intent_id, operation, recipient, amount_minor, "
                        + "unit, usd_cents, decision, reason, flash_transaction_id, fee_minor, fee_unit, decided_at) "
                        + "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
                .execute(Tuple.from(Arrays.asList(userRef, intentId, operation, recipient, amountMinor, unit, usdCents,
                        decision, reason, flashTransactionId, feeMinor, feeUnit, ts(at))))
                .replaceWithVoid();
    }

    private static PaymentIntent map(Row row) {
        return new PaymentIntent(row.getUUID("id"), row.getString("user_ref"), Status.valueOf(row.getString("status")),
                PaymentIntent.Kind.valueOf(row.getString("kind")), row.getString("wallet_id"),
                row.getString("wallet_currency"), row.getString("recipient_kind"), row.getString("recipient_label"),
                row.getString("recipient_key"), row.getLong("amount_minor"), row.getLong("usd_cents"),
                row.getString("memo"), row.getString("flash_transaction_id"), instant(row, "created_at"),
                instant(row, "expires_at"));
    }
}
