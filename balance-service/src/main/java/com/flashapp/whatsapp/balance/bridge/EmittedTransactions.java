package com.flashapp.whatsapp.balance.bridge;

import com.flashapp.whatsapp.balance.repository.OutboxRepository;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

import static com.flashapp.whatsapp.balance.wallet.Times.ts;

/**
 * Publishes a {@code payment.received} / {@code payment.sent} event at most once per Flash transaction id, in
 * the caller's transaction: the id is claimed in {@code emitted_transaction} and the event goes to the outbox
 * only when the claim is new. The bridge, its reconciliation and the send flow all go through here.
 */
@ApplicationScoped
public class EmittedTransactions {

    private final OutboxRepository outbox;

    public EmittedTransactions(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    /** True when this call emitted the event (false: someone already did). */
    public Uni<Boolean> emitOnce(SqlClient tx, String transactionId, String userRef, String direction, String source,
                                 ContractMessage event) {
        return tx.preparedQuery("insert into emitted_transaction (transaction_id, user_ref, direction, source, "
                        + "emitted_at) values ($1, $2, $3, $4, $5) on conflict do nothing")
                .execute(Tuple.of(transactionId, userRef, direction, source, ts(Instant.now())))
                .flatMap(rows -> rows.rowCount() == 0 ? Uni.createFrom().item(false)
                        : outbox.add(tx, Exchanges.FLASH_EVENTS, event).replaceWith(true));
    }

    /** Whether a transaction id was already emitted. */
    public Uni<Boolean> emitted(SqlClient client, String transactionId) {
        return client.preparedQuery("select 1 from emitted_transaction where transaction_id = $1")
                .execute(Tuple.of(transactionId)).map(rows -> rows.size() > 0);
    }
}
