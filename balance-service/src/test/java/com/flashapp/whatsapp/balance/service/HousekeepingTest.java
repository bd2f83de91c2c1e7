package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.support.FlashWireMock;
import io.quarkus.test.common.WithTestResource;
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

/** Every balance-service table loses its rows after the configured retention and keeps younger ones. */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
class HousekeepingTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Housekeeping housekeeping;

    @Inject
    Pool pool;

    @Test
    void inboxEntriesGoAfterSevenDays() {
        var now = Instant.now();
        var old = UUID.randomUUID();
        var recent = UUID.randomUUID();
        exec("insert into inbox_message (message_id, consumer, received_at) values ($1, 'test', $2)", old, days(now, 8));
        exec("insert into inbox_message (message_id, consumer, received_at) values ($1, 'test', $2)", recent,
                days(now, 6));

        housekeeping.sweep(now).await().atMost(WAIT);

        assertEquals(0, count("select count(*) from inbox_message where message_id = $1", old));
        assertEquals(1, count("select count(*) from inbox_message where message_id = $1", recent));
    }

    @Test
    void paymentWorkingRowsGoAfterNinetyDaysExceptAPaymentWhoseOutcomeIsUnknown() {
        var now = Instant.now();
        var user = "u-housekeeping-" + UUID.randomUUID();
        var oldSent = intent(user, "SENT", days(now, 91));
        var oldSending = intent(user, "SENDING", days(now, 91));
        var recent = intent(user, "SENT", days(now, 89));
        exec("insert into payment_attempt (intent_id, user_ref, attempted_at) values ($1, $2, $3)", oldSent, user,
                days(now, 91));
        exec("insert into payment_attempt (intent_id, user_ref, attempted_at) values ($1, $2, $3)", oldSending, user,
                days(now, 91));
        var oldRequest = request(user, days(now, 91));
        var recentRequest = request(user, days(now, 89));
        exec("insert into emitted_transaction (transaction_id, user_ref, direction, source, emitted_at) "
                + "values ($1, $2, 'RECEIVE', 'bridge', $3)", "tx-old-" + user, user, days(now, 91));
        exec("insert into emitted_transaction (transaction_id, user_ref, direction, source, emitted_at) "
                + "values ($1, $2, 'RECEIVE', 'bridge', $3)", "tx-new-" + user, user, days(now, 89));

        housekeeping.sweep(now).await().atMost(WAIT);

        assertEquals(0, count("select count(*) from payment_intent where id = $1", oldSent));
        assertEquals(1, count("select count(*) from payment_intent where id = $1", oldSending));
        assertEquals(1, count("select count(*) from payment_intent where id = $1", recent));
        assertEquals(0, count("select count(*) from payment_attempt where intent_id = $1", oldSent));
        assertEquals(1, count("select count(*) from payment_attempt where intent_id = $1", oldSending));
        assertEquals(0, count("select count(*) from payment_request where id = $1", oldRequest));
        assertEquals(1, count("select count(*) from payment_request where id = $1", recentRequest));
        assertEquals(0, count("select count(*) from emitted_transaction where transaction_id = $1", "tx-old-" + user));
        assertEquals(1, count("select count(*) from emitted_transaction where transaction_id = $1", "tx-new-" + user));
    }

    @Test
    void auditTrailsGoAfterFourHundredDaysAndCodesAfterADay() {
        var now = Instant.now();
        var user = "u-housekeeping-" + UUID.randomUUID();
        var locked = "u-locked-" + UUID.randomUUID();
        exec("insert into mfa_audit (user_ref, operation, decision, reason, decided_at) values "
                + "($1, 'LINK_CODE', 'ALLOW', 'old', $2), ($1, 'LINK_CODE', 'ALLOW', 'new', $3)",
                user, days(now, 401), days(now, 399));
        exec("insert into payment_audit (user_ref, operation, decision, reason, decided_at) values "
                + "($1, 'SEND', 'SENT', 'old', $2), ($1, 'SEND', 'SENT', 'new', $3)",
                user, days(now, 401), days(now, 399));
        exec("insert into code_challenge (user_ref, purpose, expectation_id, created_at, expires_at) "
                + "values ($1, 'link', 'e1', $2, $2)", user, days(now, 2));
        exec("insert into otp_guard (user_ref, failures, window_started_at) values ($1, 2, $2)", user, days(now, 2));
        exec("insert into otp_guard (user_ref, failures, window_started_at, locked_until) values ($1, 5, $2, $3)",
                locked, days(now, 2), at(now.plus(Duration.ofMinutes(5))));

        housekeeping.sweep(now).await().atMost(WAIT);

        assertEquals(1, count("select count(*) from mfa_audit where user_ref = $1", user));
        assertEquals(1, count("select count(*) from mfa_audit where user_ref = $1 and reason = 'new'", user));
        assertEquals(1, count("select count(*) from payment_audit where user_ref = $1", user));
        assertEquals(1, count("select count(*) from payment_audit where user_ref = $1 and reason = 'new'", user));
        assertEquals(0, count("select count(*) from code_challenge where user_ref = $1", user));
        assertEquals(0, count("select count(*) from otp_guard where user_ref = $1", user));
        assertEquals(1, count("select count(*) from otp_guard where user_ref = $1", locked));
    }

    private UUID intent(String user, String status, OffsetDateTime createdAt) {
        var id = UUID.randomUUID();
        exec("insert into payment_intent (id, user_ref, status, kind, wallet_id, wallet_currency, recipient_kind, "
                + "recipient_label, recipient_key, amount_minor, usd_cents, memo, created_at, expires_at) "
                + "values ($1, $2, $3, 'INTRA_USD', 'w1', 'USD', 'USERNAME', '@bob', 'w2', 100, 100, 'rent', $4, $4)",
                id, user, status, createdAt);
        return id;
    }

    private UUID request(String user, OffsetDateTime createdAt) {
        var id = UUID.randomUUID();
        exec("insert into payment_request (id, user_ref, status, amount_minor, unit, counterparty, delivered, memo, "
                + "payment_request, created_at, expires_at) values ($1, $2, 'OPEN', 100, 'USD', '@bob', true, 'rent', "
                + "'lnbc1', $3, $3)", id, user, createdAt);
        return id;
    }

    private void exec(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT);
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT)
                .iterator().next().getLong(0);
    }

    private static OffsetDateTime days(Instant now, int days) {
        return at(now.minus(Duration.ofDays(days)));
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
