package com.flashapp.whatsapp.command.telemetry;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
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

/** Users who left (unlinked, unseen for half a year) are forgotten; linked and blocked users are kept. */
@QuarkusTest
class RetentionJobTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    RetentionJob job;

    @Inject
    Pool pool;

    @Test
    void anUnlinkedUserUnseenForHalfAYearIsForgottenButLinkedBlockedAndRecentUsersStay() {
        var now = Instant.now();
        var gone = user(false, false, days(now, 181));
        var linked = user(true, false, days(now, 181));
        var blocked = user(false, true, days(now, 181));
        var recent = user(false, false, days(now, 179));

        job.purge().await().atMost(WAIT);

        assertEquals(0, count(gone));
        assertEquals(1, count(linked));
        assertEquals(1, count(blocked));
        assertEquals(1, count(recent));
    }

    @Test
    void telemetryOlderThanNinetyDaysIsDeleted() {
        var now = Instant.now();
        var user = "u-retention-" + UUID.randomUUID();
        pool.preparedQuery("insert into command_event (id, user_ref, command, outcome, latency_ms, occurred_at) values "
                        + "(nextval('command_event_seq'), $1, 'balance', 'ok', 1, $2), "
                        + "(nextval('command_event_seq'), $1, 'price', 'ok', 1, $3)")
                .execute(Tuple.of(user, days(now, 91), days(now, 89))).await().atMost(WAIT);

        job.purge().await().atMost(WAIT);

        var left = pool.preparedQuery("select command from command_event where user_ref = $1")
                .execute(Tuple.of(user)).await().atMost(WAIT);
        assertEquals(1, left.rowCount());
        assertEquals("price", left.iterator().next().getString(0));
    }

    @Test
    void inboxEntriesGoAfterSevenDaysAndCountedPhrasingsAfterThirty() {
        var now = Instant.now();
        var old = UUID.randomUUID();
        var recent = UUID.randomUUID();
        pool.preparedQuery("insert into inbox_message (message_id, consumer, received_at) values ($1, 'test', $2), "
                + "($3, 'test', $4)").execute(Tuple.of(old, days(now, 8), recent, days(now, 6))).await().atMost(WAIT);
        var phrase = "retention test " + UUID.randomUUID();
        pool.preparedQuery("insert into intent_phrase (day, phrase, reason, count, last_seen) values "
                        + "($1, $2, 'unmatched', 1, $3), ($4, $2, 'unmatched', 1, $5)")
                .execute(Tuple.from(Arrays.asList(days(now, 31).toLocalDate(), phrase, days(now, 31),
                        days(now, 1).toLocalDate(), days(now, 1))))
                .await().atMost(WAIT);

        job.purge().await().atMost(WAIT);

        assertEquals(0, single("select count(*) from inbox_message where message_id = $1", old));
        assertEquals(1, single("select count(*) from inbox_message where message_id = $1", recent));
        assertEquals(1, single("select count(*) from intent_phrase where phrase = $1", phrase));
    }

    private long single(String sql, Object arg) {
        return pool.preparedQuery(sql).execute(Tuple.of(arg)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private String user(boolean linked, boolean blocked, OffsetDateTime lastSeen) {
        var ref = "u-retention-" + UUID.randomUUID();
        pool.preparedQuery("insert into conversation_user (user_ref, phone_lookup, linked, blocked, first_seen_at, "
                        + "last_seen_at) values ($1, 'lookup', $2, $3, $4, $4)")
                .execute(Tuple.from(Arrays.asList(ref, linked, blocked, lastSeen))).await().atMost(WAIT);
        return ref;
    }

    private long count(String userRef) {
        return pool.preparedQuery("select count(*) from conversation_user where user_ref = $1")
                .execute(Tuple.of(userRef)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private static OffsetDateTime days(Instant now, int days) {
        return OffsetDateTime.ofInstant(now.minus(Duration.ofDays(days)), ZoneOffset.UTC);
    }
}
