package com.flashapp.whatsapp.notification.repository;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relay's hot statements prepare as written, with no parameter types sent: PostgreSQL types every parameter
 * itself. When it cannot (42804, e.g. an untyped parameter in a CASE next to a NULL), the reactive client
 * silently prepares the statement a second time with types taken from the values, so nothing fails, but every
 * execution pays a failed parse and a round trip (found in the server's log under the benchmark).
 */
@QuarkusTest
class OutboxStatementsTest {

    @Inject
    Pool pool;

    /** Prepares on the server with no parameter types (throws PgException if PostgreSQL cannot type one). */
    private void prepareUntyped(String sql) {
        pool.withConnection(c -> c.prepare(sql).flatMap(statement -> statement.close()))
                .await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void theGroupStorePreparesWithoutParameterTypes() {
        assertDoesNotThrow(() -> prepareUntyped(OutboxRepository.STORE_GROUP));
    }

    @Test
    void theRecipientClaimPreparesWithoutParameterTypes() {
        assertDoesNotThrow(() -> prepareUntyped(OutboxRepository.CLAIM_HEADS));
    }

    @Test
    void theAcceptanceRecordPreparesWithoutParameterTypes() {
        assertDoesNotThrow(() -> prepareUntyped(OutboxRepository.MARK_ACCEPTED));
    }

    @Test
    void theStatusCallbackStatementsPrepareWithoutParameterTypes() {
        assertDoesNotThrow(() -> prepareUntyped(OutboxRepository.STATUS_TARGETS));
        assertDoesNotThrow(() -> prepareUntyped(OutboxRepository.STATUS_UPDATE));
        assertDoesNotThrow(() -> prepareUntyped(OutboxRepository.STATUS_EVENTS));
    }

    /**
     * True if the statement, executed twice on one connection, stays prepared there (the client's statement cache
     * names it; an uncached statement is parsed and planned again on every execution, as an unnamed one).
     */
    private boolean staysPrepared(String sql, Tuple values) {
        return pool.withConnection(c -> c.preparedQuery(sql).execute(values)
                        .flatMap(ignored -> c.preparedQuery(sql).execute(values))
                        .flatMap(ignored -> c.preparedQuery("select count(*) from pg_prepared_statements "
                                + "where statement = $1").execute(Tuple.of(sql)))
                        .map(rows -> rows.iterator().next().getLong(0) == 1))
                .await().atMost(Duration.ofSeconds(10));
    }

    /** The group store is longer than the client's default cache limit (2,048 characters): see the pool creator. */
    @Test
    void theHotStatementsStayPreparedOnTheirConnection() {
        var none = new OffsetDateTime[0];
        var noStrings = new String[0];
        var store = Tuple.tuple().addArrayOfUUID(new UUID[0]);
        for (int i = 0; i < 9; i++) {
            store.addArrayOfString(noStrings);
        }
        store.addArrayOfOffsetDateTime(none).addOffsetDateTime(OffsetDateTime.now()).addArrayOfUUID(new UUID[0])
                .addString("statements-test").addInteger(0).addArrayOfOffsetDateTime(none);
        assertTrue(OutboxRepository.STORE_GROUP.length() > 2048, "the case this guards: a statement over the default");
        assertTrue(staysPrepared(OutboxRepository.STORE_GROUP, store));
        assertTrue(staysPrepared(OutboxRepository.MARK_ACCEPTED, Tuple.of(new UUID[0], noStrings, new Boolean[0],
                none)));
        assertTrue(staysPrepared(OutboxRepository.CLAIM_HEADS, Tuple.of(noStrings, OffsetDateTime.now(), 0)));
    }

    /**
     * A group of status callbacks' lookup finds their messages through the sid table's key and the record's, also with the
     * generic plan PostgreSQL may keep for a cached statement (where the sid is an unknown parameter), not by
     * scanning the outbox.
     */
    @Test
    void aStatusCallbackFindsItsMessageThroughTheSidKeyWithAGenericPlan() {
        // seq scans off: on a small test table a scan may be cheaper, but the index must be usable at all
        var plan = pool.withConnection(c -> c.query("set plan_cache_mode = force_generic_plan").execute()
                        .flatMap(ignored -> c.query("set enable_seqscan = off").execute())
                        .flatMap(ignored -> c.query("prepare status_target(varchar[]) as "
                                + OutboxRepository.STATUS_TARGETS).execute())
                        .flatMap(ignored -> c.query("explain execute status_target(array['SM0', 'SM1'])").execute())
                        .map(rows -> {
                            var text = new StringBuilder();
                            rows.forEach(r -> text.append(r.getString(0)).append('\n'));
                            return text.toString();
                        })
                        .call(() -> c.query("deallocate status_target").execute())
                        .call(() -> c.query("reset plan_cache_mode").execute())
                        .call(() -> c.query("reset enable_seqscan").execute()))
                .await().atMost(Duration.ofSeconds(10));
        assertTrue(plan.contains("outbound_sid_pkey"), plan);
        assertTrue(plan.contains("outbound_message_pkey"), plan);
    }
}
