package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.support.BrokerProbe;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** "delete my data" reaches balance-service over the broker: no row or key of the user remains, others keep theirs. */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
class ErasureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> TABLES = List.of("flash_link", "contact_directory", "code_challenge",
            "otp_guard", "pending_request", "mfa_audit", "payment_intent", "payment_attempt", "payment_request",
            "payment_audit", "emitted_transaction");

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    BrokerProbe broker;

    @BeforeEach
    void setUp() throws Exception {
        broker = new BrokerProbe();
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
    }

    @Test
    void afterTheErasureEventNoRowOrKeyOfTheUserRemains() {
        var user = "u_erase_" + UUID.randomUUID().toString().replace("-", "");
        var other = "u_erase_" + UUID.randomUUID().toString().replace("-", "");
        for (var ref : List.of(user, other)) {
            everything(ref);
        }

        broker.publish(Exchanges.USER_LIFECYCLE, new UserErasureRequested(
                Envelope.create(RoutingKeys.User.ERASURE_REQUESTED, "SM" + UUID.randomUUID(), user),
                "whatsapp:+18765550199"));

        await().atMost(WAIT).until(() -> rows(user) == 0 && keys(user) == 0);
        assertEquals(TABLES.size() + 1, rows(other));
        assertEquals(3, keys(other));

        // and the other user's own erasure leaves nothing either (nor anything for later tests to trip over)
        broker.publish(Exchanges.USER_LIFECYCLE, new UserErasureRequested(
                Envelope.create(RoutingKeys.User.ERASURE_REQUESTED, "SM" + UUID.randomUUID(), other),
                "whatsapp:+18765550198"));
        await().atMost(WAIT).until(() -> rows(other) == 0 && keys(other) == 0);
    }

    /** One row in every table and every Redis key balance-service keeps for a user. */
    private void everything(String ref) {
        var intent = UUID.randomUUID();
        exec("insert into flash_link (user_ref, flash_account_id, flash_user_id, display_currency, token_ciphertext, "
                + "status, linked_at, updated_at) values ($1, $2, 'fu', 'JMD', 'rotated:AAAA', 'ACTIVE', now(), now())", ref,
                "acct-" + ref);
        exec("insert into contact_directory (user_ref, phone_hash, whatsapp_ciphertext, updated_at) "
                + "values ($1, $2, 'rotated:AAAA', now())", ref, "hash-" + ref);
        exec("insert into code_challenge (user_ref, purpose, expectation_id, created_at, expires_at) "
                + "values ($1, 'link', 'e', now(), now())", ref);
        exec("insert into otp_guard (user_ref, failures, window_started_at) values ($1, 1, now())", ref);
        exec("insert into pending_request (id, user_ref, routing_key, payload_ciphertext, created_at, expires_at) "
                + "values ($1, $2, 'payment.send', 'rotated:AAAA', now(), now())", UUID.randomUUID(), ref);
        exec("insert into mfa_audit (user_ref, operation, decision, reason, decided_at) "
                + "values ($1, 'LINK_CODE', 'ALLOW', 'r', now())", ref);
        exec("insert into payment_intent (id, user_ref, status, kind, wallet_id, wallet_currency, recipient_kind, "
                + "recipient_label, recipient_key, amount_minor, usd_cents, memo, created_at, expires_at) values "
                + "($1, $2, 'SENT', 'INTRA_USD', 'w1', 'USD', 'USERNAME', '@bob', 'w2', 100, 100, 'rent', now(), now())",
                intent, ref);
        exec("insert into payment_attempt (intent_id, user_ref, attempted_at) values ($1, $2, now())", intent, ref);
        exec("insert into payment_request (id, user_ref, status, amount_minor, unit, counterparty, delivered, "
                + "payment_request, created_at, expires_at) values ($1, $2, 'OPEN', 1, 'USD', '@bob', true, 'lnbc1', "
                + "now(), now())", UUID.randomUUID(), ref);
        exec("insert into payment_audit (user_ref, operation, decision, decided_at) values ($1, 'SEND', 'SENT', now())",
                ref);
        exec("insert into emitted_transaction (transaction_id, user_ref, direction, source, emitted_at) "
                + "values ($1, $2, 'RECEIVE', 'bridge', now())", "tx-" + ref, ref);
        // a published event that names the user (as every event about them does, in its envelope)
        exec("insert into outbox_event (id, exchange, routing_key, payload, created_at, published_at) "
                + "values ($1, 'flash.events', 'account.linked', $2, now(), now())", UUID.randomUUID(),
                io.vertx.core.buffer.Buffer.buffer(("{\"envelope\":{\"userRef\":\"" + ref + "\"}}")
                        .getBytes(StandardCharsets.UTF_8)));
        for (var key : List.of("balance:bal:", "balance:hist:", "balance:bridge:lease:")) {
            redis.value(String.class).set(key + ref, "x");
        }
    }

    private long rows(String ref) {
        long total = 0;
        for (var table : TABLES) {
            total += count("select count(*) from " + table + " where user_ref = $1", ref);
        }
        return total + count("select count(*) from outbox_event where position(convert_to($1, 'UTF8') in payload) > 0",
                ref);
    }

    private long keys(String ref) {
        return (int) java.util.stream.StreamSupport.stream(redis.key(String.class)
                .scan(new io.quarkus.redis.datasource.keys.KeyScanArgs().match("balance:*" + ref + "*")).toIterable().spliterator(), false).count();
    }

    private void exec(String sql, Object... args) {
        pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT);
    }

    private long count(String sql, Object... args) {
        return pool.preparedQuery(sql).execute(Tuple.from(Arrays.asList(args))).await().atMost(WAIT)
                .iterator().next().getLong(0);
    }
}
