package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code admin stats} from command-service, through the real broker, over a seeded interaction log. The seeded rows
 * lie in March 2010 (no other test writes there) and each request's period ends when it was sent, so the figures
 * are exact.
 */
@QuarkusTest
class AdminStatsTest {

    private static final String ADMIN = "whatsapp:+18765550999";
    /** When the admin asked: the end of every period below. */
    private static final Instant ASKED = Instant.parse("2010-03-08T12:00:00Z");

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    BrokerProbe broker;
    String replies;

    @BeforeEach
    void setUp() throws Exception {
        broker = new BrokerProbe();
        replies = broker.listen(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
        seed();
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
    }

    @Test
    void answersTheAdminWithTheWeeksFiguresOnceEvenWhenTheRequestIsRedelivered() throws Exception {
        var request = request("week", ASKED);
        broker.publish(Exchanges.SUPPORT_REQUESTS, request);

        var reply = awaitReply(request);
        assertEquals(ADMIN, reply.to());
        assertEquals(RoutingKeys.Outbound.REPLY, reply.envelope().type());
        assertEquals(request.envelope().userRef(), reply.envelope().userRef());
        assertEquals("""
                *AI support, last 7 days*
                Questions: 8
                Answered by Maple: 5
                Fallbacks: 3 (FAQ-only 1, degraded 1, throttled 1)
                Fallback rate: 37.5%
                Feedback: 👍 2 · 👎 2""", reply.body());

        // a redelivery (same message id) is acknowledged without a second answer
        var duplicates = duplicates();
        broker.publish(Exchanges.SUPPORT_REQUESTS, request);
        await().atMost(Duration.ofSeconds(20)).until(() -> duplicates() > duplicates);
        assertFalse(broker.arrives(replies, OutboundMessage.class, m -> sameFlow(m, request), Duration.ofSeconds(1)));
    }

    @Test
    void aDayLeavesOutTheOlderQuestionsAndFeedback() throws Exception {
        var request = request("day", ASKED);
        broker.publish(Exchanges.SUPPORT_REQUESTS, request);

        assertEquals("""
                *AI support, last 24 hours*
                Questions: 4
                Answered by Maple: 2
                Fallbacks: 2 (FAQ-only 1, degraded 0, throttled 1)
                Fallback rate: 50.0%
                Feedback: 👍 2 · 👎 1""", awaitReply(request).body());
    }

    @Test
    void anUnknownPeriodGetsTheDayAndSaysSo() throws Exception {
        var request = request("month", ASKED);
        broker.publish(Exchanges.SUPPORT_REQUESTS, request);

        var body = awaitReply(request).body();
        assertTrue(body.startsWith("*AI support, last 24 hours* (period not understood: use day or week)"), body);
        assertTrue(body.contains("\nQuestions: 4\n"), body);
    }

    @Test
    void aPeriodWithoutQuestionsHasNoFallbackRate() throws Exception {
        var request = request(null, Instant.parse("1990-06-01T00:00:00Z"));
        broker.publish(Exchanges.SUPPORT_REQUESTS, request);

        var body = awaitReply(request).body();
        assertTrue(body.startsWith("*AI support, last 24 hours*\nQuestions: 0\n"), body);
        assertTrue(body.contains("Fallback rate: n/a"), body);
    }

    private OutboundMessage awaitReply(AdminStatsRequest request) {
        return broker.await(replies, OutboundMessage.class, m -> sameFlow(m, request), Duration.ofSeconds(20));
    }

    private static boolean sameFlow(OutboundMessage m, AdminStatsRequest request) {
        return request.envelope().correlationId().equals(m.envelope().correlationId());
    }

    private double duplicates() {
        var counter = registry.find("messages.consumed").tags("type", RoutingKeys.Support.ADMIN_STATS,
                "outcome", "duplicate").counter();
        return counter == null ? 0 : counter.count();
    }

    /** What command-service publishes for a verified admin's {@code admin stats [period]}. */
    private static AdminStatsRequest request(String period, Instant sentAt) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var envelope = new Envelope(UUID.randomUUID(), sid, sentAt, "u_test_admin", RoutingKeys.Support.ADMIN_STATS);
        return new AdminStatsRequest(envelope, ADMIN, period);
    }

    /** Idempotent (fixed ids), so every test can call it. */
    private void seed() {
        // the last 24 hours: 2 Maple, 1 FAQ-only, 1 throttled
        interaction("as-1", "2010-03-08T01:00:00Z", "ai");
        interaction("as-2", "2010-03-08T11:59:59Z", "ai");
        interaction("as-3", "2010-03-07T12:00:00Z", "kb_fallback");
        interaction("as-4", "2010-03-08T09:00:00Z", "throttled");
        // earlier in the week: 3 Maple, 1 degraded
        interaction("as-5", "2010-03-03T10:00:00Z", "ai");
        interaction("as-6", "2010-03-02T10:00:00Z", "ai");
        interaction("as-7", "2010-03-01T12:00:00Z", "ai");
        interaction("as-8", "2010-03-04T10:00:00Z", "unavailable");
        // outside the week: before it, and at its (exclusive) end
        interaction("as-9", "2010-03-01T11:59:59Z", "ai");
        interaction("as-10", "2010-02-20T10:00:00Z", "unavailable");
        interaction("as-11", "2010-03-08T12:00:00Z", "kb_fallback");
        feedback("as-1", "2010-03-08T06:00:00Z", true);
        feedback("as-2", "2010-03-08T07:00:00Z", true);
        feedback("as-3", "2010-03-08T08:00:00Z", false);
        feedback("as-5", "2010-03-04T08:00:00Z", false);
        feedback("as-9", "2010-02-28T08:00:00Z", true);
    }

    private void interaction(String id, String at, String source) {
        pool.preparedQuery("""
                        insert into support_interaction (answer_id, user_ref, created_at, source, latency_ms, faq_ids,
                            scores)
                        values ($1, 'u_test_stats', $2, $3, 100, '{}', '{}') on conflict do nothing""")
                .execute(Tuple.of(id, utc(at), source)).await().indefinitely();
    }

    private void feedback(String id, String at, boolean helpful) {
        pool.preparedQuery("""
                        insert into support_feedback (answer_id, user_ref, helpful, fallback, faq_ids, received_at)
                        values ($1, 'u_test_stats', $2, false, '{}', $3) on conflict do nothing""")
                .execute(Tuple.of(id, helpful, utc(at))).await().indefinitely();
    }

    private static OffsetDateTime utc(String at) {
        return OffsetDateTime.ofInstant(Instant.parse(at), ZoneOffset.UTC);
    }
}
