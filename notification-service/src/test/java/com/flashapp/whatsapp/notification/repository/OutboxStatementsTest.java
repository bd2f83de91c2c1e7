package com.flashapp.whatsapp.notification.repository;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

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
}
