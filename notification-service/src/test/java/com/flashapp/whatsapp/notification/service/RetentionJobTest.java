package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whole records go after their retention: finished messages with their steps, payments, inbound times. */
@QuarkusTest
class RetentionJobTest extends NotificationTestBase {

    @Inject
    RetentionJob retention;

    @Test
    void aFinishedMessageOlderThanHalfAYearIsDeletedWithItsStepsAndSidButAnUnsentOneStays() {
        var now = Instant.now();
        var old = message("delivered", days(now, 181));
        var recent = message("delivered", days(now, 179));
        exec("insert into outbound_event (message_id, state, applied, occurred_at) values ($1, 'delivered', true, $2)",
                old, days(now, 181));
        exec("insert into outbound_sid (twilio_sid, message_id) values ($1, $2)", "SM" + old.toString()
                .replace("-", ""), old);

        retention.purge().await().atMost(WAIT);

        assertEquals(0, count("select count(*) from outbound_message where id = $1", old));
        assertEquals(0, count("select count(*) from outbound_event where message_id = $1", old));
        assertEquals(0, count("select count(*) from outbound_sid where message_id = $1", old));
        assertEquals(1, count("select count(*) from outbound_message where id = $1", recent));
    }

    @Test
    void paymentNotificationsGoAfterNinetyDaysUnlessStillHeld() {
        var now = Instant.now();
        var user = randomUserRef();
        payment("tx-old-" + user, user, "sent", days(now, 91));
        payment("tx-held-" + user, user, "held", days(now, 91));
        payment("tx-new-" + user, user, "sent", days(now, 89));

        retention.purge().await().atMost(WAIT);

        assertEquals(0, count("select count(*) from payment_notification where transaction_id = $1", "tx-old-" + user));
        assertEquals(1, count("select count(*) from payment_notification where transaction_id = $1",
                "tx-held-" + user));
        assertEquals(1, count("select count(*) from payment_notification where transaction_id = $1", "tx-new-" + user));
    }

    @Test
    void inboundTimesGoAfterThirtyDays() {
        var now = Instant.now();
        var old = randomUserRef();
        var recent = randomUserRef();
        exec("insert into inbound_window (user_ref, last_inbound_at) values ($1, $2), ($3, $4)", old, days(now, 31),
                recent, days(now, 29));

        retention.purge().await().atMost(WAIT);

        assertEquals(0, count("select count(*) from inbound_window where user_ref = $1", old));
        assertEquals(1, count("select count(*) from inbound_window where user_ref = $1", recent));
    }

    @Test
    void inboxEntriesGoAfterSevenDays() {
        var now = Instant.now();
        var old = UUID.randomUUID();
        var recent = UUID.randomUUID();
        exec("insert into inbox_message (message_id, consumer, received_at) values ($1, 'test', $2), ($3, 'test', $4)",
                old, days(now, 8), recent, days(now, 6));

        retention.purge().await().atMost(WAIT);

        assertEquals(0, count("select count(*) from inbox_message where message_id = $1", old));
        assertEquals(1, count("select count(*) from inbox_message where message_id = $1", recent));
    }

    private UUID message(String state, OffsetDateTime createdAt) {
        var id = UUID.randomUUID();
        exec("insert into outbound_message (id, kind, to_address, body, state, next_attempt_at, created_at, "
                + "updated_at) values ($1, 'reply', $2, 'hello', $3, $4, $4, $4)", id, randomWhatsapp(), state,
                createdAt);
        return id;
    }

    private void payment(String transactionId, String user, String state, OffsetDateTime createdAt) {
        exec("insert into payment_notification (transaction_id, event_type, user_ref, amount_minor, counterparty, memo, "
                + "state, created_at) values ($1, 'payment.received', $2, 100, '@bob', 'rent', $3, $4)",
                transactionId, user, state, createdAt);
    }

    private void exec(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT);
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT)
                .iterator().next().getLong(0);
    }

    private static OffsetDateTime days(Instant now, int days) {
        return OffsetDateTime.ofInstant(now.minus(Duration.ofDays(days)), ZoneOffset.UTC);
    }
}
