package com.flashapp.whatsapp.command.telemetry;

import com.flashapp.whatsapp.command.service.ErasureService;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Telemetry rows are written behind the conversation, many per insert: every recorded row arrives, flushed() waits
 * for them, and an erasure never leaves a row of the user behind.
 */
@QuarkusTest
class TelemetryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    Telemetry telemetry;

    @Inject
    ErasureService erasure;

    @Inject
    Pool pool;

    @Test
    void everyRowRecordedAtOnceIsWrittenByTheTimeFlushedCompletes() {
        var user = "telemetry-" + UUID.randomUUID();
        IntStream.range(0, 300).parallel().forEach(i -> telemetry.record(user, i % 2 == 0 ? "help" : "balance",
                Outcome.OK, System.nanoTime()).await().atMost(WAIT));

        telemetry.flushed().await().atMost(WAIT);

        assertEquals(300, count("select count(*) from command_event where user_ref = $1", user));
        assertEquals(150, count("select count(*) from command_event where user_ref = $1 and command = 'balance'",
                user));
        assertEquals(300, count("select count(distinct id) from command_event where user_ref = $1", user));
    }

    @Test
    void anErasureRightAfterTheUsersLastMessagesLeavesNoRowOfThem() {
        var user = "telemetry-" + UUID.randomUUID();
        IntStream.range(0, 100).forEach(i -> telemetry.record(user, "help", Outcome.OK, System.nanoTime())
                .await().atMost(WAIT));

        erasure.eraseLocal(user).await().atMost(WAIT);
        telemetry.flushed().await().atMost(WAIT);

        assertEquals(0, count("select count(*) from command_event where user_ref = $1", user));
    }

    private long count(String sql, String user) {
        return pool.preparedQuery(sql).execute(Tuple.of(user)).await().atMost(WAIT).iterator().next().getLong(0);
    }
}
