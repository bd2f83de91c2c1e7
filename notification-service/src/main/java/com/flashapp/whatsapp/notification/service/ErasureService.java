package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * "delete my data" ({@code user.erasure-requested}): deletes every row of the user (by userRef, and by number in the
 * outbox, which also holds messages stored before the userRef was known), then tells the user it is done. That last
 * message is stored without userRef, with kind {@value #KIND}; its number and text are redacted as soon as it has
 * left the relay, so nothing with the number stays behind. A message to the user still being sent at that moment is
 * marked the same way rather than pulled from under the relay.
 */
@ApplicationScoped
public class ErasureService {

    /** The kind of an outbound message redacted as soon as it is sent (or failed). */
    public static final String KIND = "erasure";

    static final String DONE = "Done: everything this chat kept about you has been erased, and your Flash account "
            + "is no longer linked here. Your Flash account itself is unchanged. Send *link* any time to start again.";

    private final Pool pool;
    private final OutboundService outbound;

    public ErasureService(Pool pool, OutboundService outbound) {
        this.pool = pool;
        this.outbound = outbound;
    }

    public Uni<Void> erase(UserErasureRequested request) {
        var userRef = request.envelope().userRef();
        var to = request.whatsapp();
        if (userRef == null || to == null || to.isBlank()) {
            Log.warnf("Erasure %s without userRef or number: nothing to erase", request.envelope().messageId());
            return Uni.createFrom().voidItem();
        }
        var who = Tuple.of(userRef, to);
        // derived from the request's id: a redelivered request stores the same confirmation, which is then ignored
        var id = UUID.nameUUIDFromBytes(("erasure:" + request.envelope().messageId())
                .getBytes(StandardCharsets.UTF_8));
        // One statement for every row of a message that is not being sent: a message that a retry moved back from
        // sending to queued after an earlier statement's snapshot goes with its queue row, never leaving the row
        // behind as a head of line with no message (which would hold back every later message to that number).
        return pool.withTransaction(c -> run(c, "with m as (delete from outbound_message where state <> 'sending' "
                        + "and (user_ref = $1 or to_address = $2) returning id), "
                        + "p as (delete from outbound_pending q using m where q.id = m.id), "
                        + "e as (delete from outbound_event e using m where e.message_id = m.id), "
                        + "s as (delete from outbound_sid s using m where s.message_id = m.id) "
                        + "select count(*) from m", who)
                // what is left was being sent just then: not pulled from under the relay, redacted once it is out
                .flatMap(x -> run(c, "update outbound_message set kind = '" + KIND + "', user_ref = null "
                        + "where user_ref = $1 or to_address = $2", who))
                .flatMap(x -> run(c, "delete from outbound_event where message_id is null and to_address = $1",
                        Tuple.of(to)))
                .flatMap(x -> run(c, "delete from account_link where user_ref = $1 or whatsapp = $2", who))
                .flatMap(x -> run(c, "delete from notification_preferences where user_ref = $1", Tuple.of(userRef)))
                .flatMap(x -> run(c, "delete from inbound_window where user_ref = $1", Tuple.of(userRef)))
                .flatMap(x -> run(c, "delete from notification_consent where user_ref = $1", Tuple.of(userRef)))
                .flatMap(x -> run(c, "delete from payment_notification where user_ref = $1", Tuple.of(userRef)))
                .flatMap(x -> outbound.store(c, id, request.envelope().correlationId(), null, KIND, to, DONE,
                        List.of(), List.of(), null, null, request.envelope().occurredAt())))
                .invoke(outbound::wakeRelay)
                .invoke(() -> Log.infof("Erased the data of %s", userRef))
                .replaceWithVoid();
    }

    /** Redacts erasure messages that have left the relay (sent, delivered, failed): their number goes too. */
    @Scheduled(every = "${app.erasure.redact-every:5s}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> sweep() {
        return redactSent().replaceWithVoid().onFailure().recoverWithItem(e -> {
            Log.warnf("Redacting erasure confirmations failed (the next run retries): %s", e.getClass().getName());
            return null;
        });
    }

    /** The number of erasure messages redacted. */
    public Uni<Integer> redactSent() {
        return pool.query("update outbound_message set body = null, media_urls = '[]', quick_replies = '[]', "
                        + "template_variables = '{}', to_address = 'redacted' where kind = '" + KIND + "' "
                        + "and to_address <> 'redacted' and state not in ('queued', 'sending')")
                .execute().map(rows -> rows.rowCount());
    }

    private static Uni<Void> run(SqlClient c, String sql, Tuple args) {
        return c.preparedQuery(sql).execute(args).replaceWithVoid();
    }
}
