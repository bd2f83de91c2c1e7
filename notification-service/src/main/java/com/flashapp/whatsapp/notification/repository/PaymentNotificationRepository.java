package com.flashapp.whatsapp.notification.repository;

import com.flashapp.whatsapp.notification.Payment;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static com.flashapp.whatsapp.notification.repository.OutboxRepository.instant;
import static com.flashapp.whatsapp.notification.repository.OutboxRepository.odt;

/**
 * Payment notifications, one row per Flash transaction and event type (the primary key is the idempotency
 * key: the webhook and the subscription reporting one payment notify once). States: notified, held (waiting
 * for quiet hours to end or for the digest), suppressed (opt-out, below minimum), no_recipient, cancelled.
 */
@ApplicationScoped
public class PaymentNotificationRepository {

    /** Stores the payment; false when this transaction was already seen. */
    public Uni<Boolean> insert(SqlClient c, Payment p, String state, String reason, Instant dueAt,
                               UUID outboundId) {
        return c.preparedQuery("insert into payment_notification (transaction_id, event_type, user_ref, "
                        + "wallet_currency, amount_minor, display_amount, display_currency, counterparty, memo, "
                        + "state, reason, due_at, outbound_id, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, "
                        + "$9, $10, $11, $12, $13, $14) on conflict (transaction_id, event_type) do nothing")
                .execute(Tuple.from(Arrays.asList(p.transactionId(), p.eventType(), p.userRef(),
                        p.walletCurrency(), p.amountMinor(), p.displayAmount(), p.displayCurrency(),
                        p.counterparty(), p.memo(), state, reason, odt(dueAt), outboundId, odt(p.createdAt()))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Users with held notifications now due (locked, so two replicas never release the same ones). */
    public Uni<List<String>> usersDue(SqlClient c, Instant now, int limit) {
        return c.preparedQuery("select distinct user_ref from (select user_ref from payment_notification "
                        + "where state = 'held' and due_at <= $1 order by due_at limit $2 for update skip locked) d")
                .execute(Tuple.of(odt(now), limit))
                .map(rows -> {
                    var users = new ArrayList<String>();
                    rows.forEach(r -> users.add(r.getString(0)));
                    return users;
                });
    }

    /** All held notifications of a user, oldest first, locked. */
    public Uni<List<Payment>> held(SqlClient c, String userRef) {
        return c.preparedQuery("select * from payment_notification where user_ref = $1 and state = 'held' "
                        + "order by created_at, transaction_id for update skip locked")
                .execute(Tuple.of(userRef))
                .map(rows -> {
                    var payments = new ArrayList<Payment>();
                    rows.forEach(r -> payments.add(payment(r)));
                    return payments;
                });
    }

    public Uni<Void> markReleased(SqlClient c, List<Payment> payments, UUID outboundId) {
        if (payments.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return c.preparedQuery("update payment_notification set state = 'notified', outbound_id = $3 "
                        + "where transaction_id = $1 and event_type = $2")
                .executeBatch(payments.stream().map(p -> Tuple.of(p.transactionId(), p.eventType(), outboundId))
                        .toList())
                .replaceWithVoid();
    }

    /** Drops a user's waiting notifications (they unlinked). */
    public Uni<Integer> cancelHeld(SqlClient c, String userRef) {
        return c.preparedQuery("update payment_notification set state = 'cancelled', reason = 'unlinked' "
                        + "where user_ref = $1 and state = 'held'")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.rowCount());
    }

    private static Payment payment(Row r) {
        return new Payment(r.getString("transaction_id"), r.getString("event_type"), r.getString("user_ref"),
                r.getString("wallet_currency"), r.getLong("amount_minor"), r.getBigDecimal("display_amount"),
                r.getString("display_currency"), r.getString("counterparty"), r.getString("memo"),
                instant(r.getOffsetDateTime("created_at")));
    }
}
