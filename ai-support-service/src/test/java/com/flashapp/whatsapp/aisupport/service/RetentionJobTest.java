package com.flashapp.whatsapp.aisupport.service;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every ai-support table loses its rows (or their text) after the configured retention, and keeps younger ones. */
@QuarkusTest
class RetentionJobTest {

    @Inject
    RetentionJob job;

    @Inject
    Pool pool;

    @Test
    void oldInboxEntriesAreDeletedAndRecentOnesKept() {
        var now = Instant.now();
        var old = UUID.randomUUID();
        var recent = UUID.randomUUID();
        exec("insert into inbox_message (message_id, consumer, received_at) values ($1, 'test', $2)",
                Tuple.of(old, at(now.minus(Duration.ofDays(8)))));
        exec("insert into inbox_message (message_id, consumer, received_at) values ($1, 'test', $2)",
                Tuple.of(recent, at(now.minus(Duration.ofDays(6)))));

        job.purge(now).await().atMost(Duration.ofSeconds(10));

        assertEquals(0, count("select count(*) from inbox_message where message_id = $1", Tuple.of(old)));
        assertEquals(1, count("select count(*) from inbox_message where message_id = $1", Tuple.of(recent)));
    }

    @Test
    void questionTextAndCommentsGoAfterThirtyDaysAndTheRowsAfterHalfAYear() {
        var now = Instant.now();
        var recent = interaction(now.minus(Duration.ofDays(29)));
        var month = interaction(now.minus(Duration.ofDays(31)));
        var ancient = interaction(now.minus(Duration.ofDays(181)));

        job.purge(now).await().atMost(Duration.ofSeconds(10));

        assertEquals("how do i send money", text("select question_redacted from support_interaction "
                + "where answer_id = $1", recent));
        assertEquals("it was great", text("select comment from support_feedback where answer_id = $1", recent));
        assertEquals(1, count("select count(*) from support_interaction where answer_id = $1 "
                + "and question_redacted is null", Tuple.of(month)));
        assertEquals(1, count("select count(*) from support_feedback where answer_id = $1 and comment is null",
                Tuple.of(month)));
        assertEquals(0, count("select count(*) from support_interaction where answer_id = $1", Tuple.of(ancient)));
        assertEquals(0, count("select count(*) from support_feedback where answer_id = $1", Tuple.of(ancient)));
    }

    private String interaction(Instant at) {
        var id = UUID.randomUUID().toString();
        exec("insert into support_interaction (answer_id, user_ref, created_at, source, latency_ms, faq_ids, scores, "
                + "question_redacted) values ($1, 'u-retention', $2, 'ai', 5, '{}', '{}', 'how do i send money')",
                Tuple.of(id, at(at)));
        exec("insert into support_feedback (answer_id, user_ref, helpful, comment, fallback, faq_ids, received_at) "
                + "values ($1, 'u-retention', true, 'it was great', false, '{}', $2)", Tuple.of(id, at(at)));
        return id;
    }

    private void exec(String sql, Tuple args) {
        pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10));
    }

    private long count(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);
    }

    private String text(String sql, String id) {
        var row = pool.preparedQuery(sql).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10))
                .iterator().next();
        return row.getString(0);
    }

    private static OffsetDateTime at(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
