package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.UUID;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.form;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "delete my data" reaches notification-service over the broker: every row of the user goes, the user is told it is
 * done, and that last message loses its number and text once sent. Another user keeps everything.
 */
@QuarkusTest
class ErasureTest extends NotificationTestBase {

    @Inject
    ErasureService erasure;

    @Test
    void afterTheErasureEventNoRowHoldsTheUserOrTheirNumberAndTheUserIsToldItIsDone() {
        var user = randomUserRef();
        var to = randomWhatsapp();
        var other = randomUserRef();
        var otherTo = randomWhatsapp();
        everything(user, to);
        everything(other, otherTo);
        var mine = reply(to, user, "your balance is 10 USD");
        var theirs = reply(otherTo, other, "your balance is 20 USD");
        send(mine);
        send(theirs);
        await().atMost(WAIT).until(() -> "sent".equals(stateOf(mine.envelope().messageId()))
                && "sent".equals(stateOf(theirs.envelope().messageId())));

        var erasure = new UserErasureRequested(Envelope.create(RoutingKeys.User.ERASURE_REQUESTED,
                randomSid(), user), to);
        publish(Exchanges.USER_LIFECYCLE, erasure);

        await().atMost(WAIT).until(() -> requestsTo(to).stream()
                .anyMatch(r -> form(r).get("Body").startsWith("Done: everything this chat kept about you")));
        await().atMost(WAIT).until(() -> rows(user, to) == 0);
        var confirmation = pool.preparedQuery("select to_address, body, user_ref, state from outbound_message "
                        + "where correlation_id = $1").execute(Tuple.of(erasure.envelope().correlationId()))
                .await().atMost(WAIT).iterator().next();
        assertEquals("redacted", confirmation.getString("to_address"));
        assertEquals(null, confirmation.getString("body"));
        assertEquals(null, confirmation.getString("user_ref"));
        assertEquals(5 + 1, rows(other, otherTo), "the other user keeps their rows (and the reply they were sent)");
    }

    @Test
    void anErasureWithoutAUserRefChangesNothing() {
        var user = randomUserRef();
        var to = randomWhatsapp();
        everything(user, to);

        var erasure = new UserErasureRequested(Envelope.create(RoutingKeys.User.ERASURE_REQUESTED, randomSid(),
                null), to);
        publish(Exchanges.USER_LIFECYCLE, erasure);
        // a later message on the same queue is handled: so the one before it was
        var marker = new UserErasureRequested(Envelope.create(RoutingKeys.User.ERASURE_REQUESTED, randomSid(),
                randomUserRef()), randomWhatsapp());
        publish(Exchanges.USER_LIFECYCLE, marker);
        await().atMost(WAIT).until(() -> !requestsTo(marker.whatsapp()).isEmpty());

        assertEquals(5, rows(user, to));
        assertTrue(requestsTo(to).isEmpty());
    }

    /**
     * A message being sent when the erasure begins, which a retry puts back in the queue while the erasure runs: it
     * leaves together with its queue row or stays with it, redacted — never a queue row without its message, which
     * would stand first in that number's line for ever and hold back every later message to it.
     */
    @Test
    void aMessageARetryRequeuesDuringTheErasureLeavesNoQueueRowWithoutItsMessage() throws Exception {
        var user = randomUserRef();
        var to = randomWhatsapp();
        var id = UUID.randomUUID();
        var seq = pool.preparedQuery("insert into outbound_message (id, kind, user_ref, to_address, body, state, "
                        + "attempts, claimed_at, next_attempt_at, created_at, updated_at) values ($1, 'reply', $2, $3, "
                        + "'your balance is 10 USD', 'sending', 1, now(), now(), now(), now()) returning seq")
                .execute(Tuple.of(id, user, to)).await().atMost(WAIT).iterator().next().getLong(0);
        exec("insert into outbound_pending (id, seq, to_address, state, next_attempt_at, claimed_at, created_at) "
                + "values ($1, $2, $3, 'sending', now(), now(), now())", id, seq, to);

        // the relay's side holds the message while the erasure reaches it
        var relaySide = pool.getConnection().await().atMost(WAIT);
        try {
            var tx = relaySide.begin().await().atMost(WAIT);
            relaySide.preparedQuery("select id from outbound_message where id = $1 for update").execute(Tuple.of(id))
                    .await().atMost(WAIT);
            var erased = erasure.erase(new UserErasureRequested(Envelope.create(RoutingKeys.User.ERASURE_REQUESTED,
                    randomSid(), user), to)).subscribeAsCompletionStage();
            await().atMost(WAIT).until(() -> count("select count(*) from pg_stat_activity where datname = "
                    + "current_database() and wait_event_type = 'Lock' and query like $1", "%outbound_message%") > 0);
            // the retry: back to queued, in the record and in the relay's queue at once (as markRetry does)
            relaySide.preparedQuery("update outbound_message set state = 'queued' where id = $1").execute(Tuple.of(id))
                    .await().atMost(WAIT);
            relaySide.preparedQuery("update outbound_pending set state = 'queued', claimed_at = null where id = $1")
                    .execute(Tuple.of(id)).await().atMost(WAIT);
            tx.commit().await().atMost(WAIT);
            erased.toCompletableFuture().get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            relaySide.close().await().atMost(WAIT);
        }

        assertQueueMatchesRecords();
        assertEquals(0, count("select count(*) from outbound_message where user_ref = $1", user),
                "what stays for the relay no longer names the user");
    }

    /** A row in each user table: link, preferences, inbound time, payment notification, an old message's step. */
    private void everything(String user, String to) {
        exec("insert into account_link (user_ref, flash_account_id, whatsapp, linked_at) values ($1, $2, $3, now())",
                user, "acct-" + user, to);
        exec("insert into notification_preferences (user_ref, enabled, time_zone, frequency, updated_at) "
                + "values ($1, true, 'America/Jamaica', 'immediate', now())", user);
        exec("insert into inbound_window (user_ref, last_inbound_at) values ($1, now())", user);
        exec("insert into payment_notification (transaction_id, event_type, user_ref, amount_minor, counterparty, memo, "
                + "state, created_at) values ($1, 'payment.received', $2, 100, '@bob', 'rent', 'sent', now())",
                "tx-" + user, user);
        exec("insert into outbound_message (id, kind, to_address, body, state, next_attempt_at, created_at, "
                + "updated_at) values ($1, 'reply', $2, 'hello', 'delivered', now(), now(), now())",
                UUID.randomUUID(), to);
    }

    private long rows(String user, String to) {
        return count("select (select count(*) from account_link where user_ref = $1 or whatsapp = $2) "
                + "+ (select count(*) from notification_preferences where user_ref = $1) "
                + "+ (select count(*) from inbound_window where user_ref = $1) "
                + "+ (select count(*) from payment_notification where user_ref = $1) "
                + "+ (select count(*) from outbound_message where user_ref = $1 or to_address = $2)", user, to);
    }

    private void exec(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT);
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT)
                .iterator().next().getLong(0);
    }
}
