package com.flashapp.whatsapp.notification.repository;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The relay's vacuum is paced like autovacuum (a cost delay set on the pooled connection it runs on); that
 * setting must not stay on the connection, or every later vacuum-like work on it would be slowed too.
 */
@QuarkusTest
class OutboxVacuumTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    OutboxRepository outbox;

    @Inject
    Pool pool;

    private String costDelayOfAPooledConnection() {
        return pool.withConnection(c -> c.query("show vacuum_cost_delay").execute())
                .map(rows -> rows.iterator().next().getString(0))
                .await().atMost(WAIT);
    }

    @Test
    void aPacedVacuumRunsAndLeavesItsConnectionAsItFoundIt() {
        assertEquals("0", costDelayOfAPooledConnection());

        outbox.vacuum(Duration.ofMillis(2)).await().atMost(WAIT);

        // the pool hands an idle connection back first, so these include the one the vacuum ran on
        for (int i = 0; i < 5; i++) {
            assertEquals("0", costDelayOfAPooledConnection());
        }
    }

    @Test
    void anUnpacedVacuumRuns() {
        outbox.vacuum(Duration.ZERO).await().atMost(WAIT);
        assertEquals("0", costDelayOfAPooledConnection());
    }
}
