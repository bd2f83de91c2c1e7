package com.flashapp.whatsapp.notification.repository;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The general claim is planned on the queue's indexes whatever PostgreSQL's statistics say. Planned from statistics
 * taken while the queue was nearly empty, it read the whole queue once per recipient per queued row: a single claim
 * ran for minutes under a 2,000-message backlog built while Twilio was away (FaultSuiteIT, Twilio 500 after a
 * PostgreSQL restart, on a server without autovacuum), and the relay sent nothing meanwhile.
 */
@QuarkusTest
class ClaimPlanTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Test
    void theClaimWalksTheQueueThroughItsIndexesEvenWithStatisticsOfAnEmptyQueue() {
        // what the planner knows after an analyze in a quiet moment: a queue of a few rows at most, where a
        // sequential scan is the cheapest plan for every part of the claim
        pool.query("analyze outbound_pending").execute().await().atMost(WAIT);

        var plan = pool.withTransaction(c -> c.query(OutboxRepository.CLAIM_PLAN).execute()
                        .flatMap(ignored -> c.preparedQuery("explain " + OutboxRepository.CLAIM)
                                .execute(Tuple.of(OffsetDateTime.now(), 64))))
                .map(rows -> {
                    var text = new StringBuilder();
                    rows.forEach(row -> text.append(row.getString(0)).append('\n'));
                    return text.toString();
                })
                .await().atMost(WAIT);

        assertFalse(plan.contains("Seq Scan on outbound_pending"), plan);
        // the skip scan over the recipients and the probe per recipient
        assertTrue(plan.contains("using outbound_pending_recipient"), plan);
    }
}
