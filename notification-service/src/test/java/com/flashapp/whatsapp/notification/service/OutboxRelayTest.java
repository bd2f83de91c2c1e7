package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.TestClock;
import com.flashapp.whatsapp.notification.support.WireMockTwilio;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.MESSAGES_PATH;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.error;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.form;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.refuseFreeFormOutsideWindow;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.server;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.toParam;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The outbound queue end to end: whatsapp.outbound → PostgreSQL → relay → Twilio (WireMock). */
@QuarkusTest
class OutboxRelayTest extends NotificationTestBase {

    @Inject
    MeterRegistry registry;

    @Inject
    RetentionJob retention;

    @ConfigProperty(name = "app.twilio.status-callback")
    String statusCallback;

    @Test
    void aReplyIsStoredThenSentExactlyOnceEvenWhenRedelivered() {
        var to = randomWhatsapp();
        var message = new OutboundMessage(Envelope.create(RoutingKeys.Outbound.REPLY, randomSid(), randomUserRef()),
                to, "Your balance: $12.34", List.of(), List.of(new QuickReply("history", "See history")),
                null, null, Instant.now());
        send(message);
        send(message); // the broker redelivers: same message id

        var row = awaitState(to, "sent");
        assertEquals(message.envelope().messageId(), row.getUUID("id"));
        assertNotNull(row.getString("twilio_sid"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> requestsTo(to).size() == 1);
        var params = form(requestsTo(to).get(0));
        assertEquals("whatsapp:+14155238886", params.get("From"));
        assertEquals(statusCallback, params.get("StatusCallback"));
        assertTrue(statusCallback.endsWith("/webhooks/twilio/status"));
        assertTrue(params.get("Body").startsWith("Your balance: $12.34"));
        assertTrue(params.get("Body").contains("See history: reply *history*"), "quick replies as text");
        assertEquals(row.getString("twilio_sid").length(), 34);
    }

    @Test
    void aMessageStoredWhileTheRelayIsDownIsSentOnceWhenItComesBack() {
        pauseRelay();
        var to = randomWhatsapp();
        send(reply(to, randomUserRef(), "stored before the crash"));

        var row = storedOne(to);
        assertEquals("queued", row.getString("state"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> requestsTo(to).isEmpty());

        relay.resume();
        awaitState(to, "sent");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> requestsTo(to).size() == 1);
    }

    @Test
    void aMessageADeadRelayLeftInSendingIsQueuedAgainWhenItsLeaseRunsOut() {
        pauseRelay();
        var to = randomWhatsapp();
        send(reply(to, randomUserRef(), "claimed, then the relay died"));
        var id = storedOne(to).getUUID("id");
        // what a relay that claimed the message and died before calling Twilio leaves behind
        pool.preparedQuery("with m as (update outbound_message set state = 'sending', attempts = 1, "
                        + "claimed_at = now() - interval '1 hour' where id = $1 returning id) "
                        + "update outbound_pending q set state = 'sending', claimed_at = now() - interval '1 hour' "
                        + "from m where q.id = m.id")
                .execute(Tuple.of(id)).await().indefinitely();

        relay.resume();
        awaitState(to, "sent");
        assertEquals(1, requestsTo(to).size());
    }

    @Test
    void aMessageTwilioTookJustBeforeTheRelayDiedIsRecordedFromItsCallbackNotSentAgain() {
        pauseRelay();
        var to = randomWhatsapp();
        var message = reply(to, randomUserRef(), "sent, then the relay died before recording it");
        send(message);
        var id = storedOne(to).getUUID("id");
        pool.preparedQuery("with m as (update outbound_message set state = 'sending', attempts = 1, "
                        + "claimed_at = now() - interval '1 hour' where id = $1 returning id) "
                        + "update outbound_pending q set state = 'sending', claimed_at = now() - interval '1 hour' "
                        + "from m where q.id = m.id")
                .execute(Tuple.of(id)).await().indefinitely();
        // Twilio took it: its callback comes with a sid nobody recorded
        var sid = randomSid();
        status(message.envelope(), sid, "delivered", to, null);
        await().atMost(WAIT).until(() -> pool.preparedQuery("select count(*) from outbound_event "
                + "where twilio_sid = $1").execute(Tuple.of(sid)).await().indefinitely().iterator().next()
                .getLong(0) == 1);

        relay.resume();
        var row = awaitState(to, "delivered");
        assertEquals(sid, row.getString("twilio_sid"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> requestsTo(to).isEmpty());
    }

    @Test
    void tooManyRequestsIsRetriedWithGrowingBackoffThenSent() {
        var to = randomWhatsapp();
        var scenario = "429-" + to;
        server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).withRequestBody(containing(toParam(to)))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody(error(20429, 429, "Too Many Requests")))
                .willSetStateTo("second"));
        server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs("second").withRequestBody(containing(toParam(to)))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody(error(20429, 429, "Too Many Requests")))
                .willSetStateTo("open"));
        double retriesBefore = registry.counter("notification.retries").count();

        var message = reply(to, randomUserRef(), "after two 429s");
        send(message);

        var row = awaitState(to, "sent");
        assertEquals(3, row.getInteger("attempts"));
        var requests = requestsTo(to);
        assertEquals(3, requests.size());
        long firstGap = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        long secondGap = requests.get(2).getLoggedDate().getTime() - requests.get(1).getLoggedDate().getTime();
        // backoff-initial 400 ms ± 10%, doubled for the second retry
        assertTrue(firstGap >= 350, "first backoff " + firstGap);
        assertTrue(secondGap >= 700, "second backoff " + secondGap);
        assertTrue(secondGap > firstGap, "backoff grows: " + firstGap + " then " + secondGap);
        assertTrue(registry.counter("notification.retries").count() >= retriesBefore + 2);

        // Twilio then reports the delivery
        status(message.envelope(), row.getString("twilio_sid"), "delivered", to, null);
        awaitState(to, "delivered");
    }

    @Test
    void twilioRetryAfterIsHonouredInsteadOfOurBackoff() {
        var to = randomWhatsapp();
        var scenario = "retry-after-" + to;
        server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1).inScenario(scenario)
                .whenScenarioStateIs(Scenario.STARTED).withRequestBody(containing(toParam(to)))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withHeader("Retry-After", "3")
                        .withBody(error(20429, 429, "Too Many Requests")))
                .willSetStateTo("open"));

        send(reply(to, randomUserRef(), "after Twilio said when"));

        var row = awaitState(to, "sent");
        assertEquals(2, row.getInteger("attempts"));
        // the retry was scheduled for exactly Retry-After after the answer (our backoff would have been ~400 ms)
        var retry = pool.preparedQuery("select detail, occurred_at from outbound_event where message_id = $1 "
                        + "and state = 'retry'").execute(Tuple.of(row.getUUID("id"))).await().indefinitely()
                .iterator().next();
        var detail = retry.getString("detail");
        var nextAttempt = Instant.parse(detail.substring(detail.indexOf("next attempt at ") + 16));
        // (the stored time has microseconds)
        assertEquals(3000, Math.round(Duration.between(retry.getOffsetDateTime("occurred_at").toInstant(),
                nextAttempt).toNanos() / 1e6));
        var requests = requestsTo(to);
        assertEquals(2, requests.size());
        long gap = requests.get(1).getLoggedDate().getTime() - requests.get(0).getLoggedDate().getTime();
        assertTrue(gap >= 3000, "Twilio was asked again after " + gap + " ms");
    }

    @Test
    void aServerErrorIsRetriedOnlyByUsUntilTheMessagesLifetimeEndsThenFailsAsExpired() {
        var to = randomWhatsapp();
        server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1).withRequestBody(containing(toParam(to)))
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
                        .withBody(error(20503, 503, "Service Unavailable"))));
        double expiredBefore = registry.counter("notification.failed", "reason", "expired").count();

        send(reply(to, randomUserRef(), "Twilio is down"));

        // retried while its lifetime lasts, however many attempts that takes
        await().atMost(WAIT).until(() -> requestsTo(to).size() >= 3);
        // Twilio has seen the third try before the relay records its answer: the row goes back to queued, not failed
        awaitState(to, "queued");
        // the wait for its next try shows in the gauges
        await().atMost(WAIT).until(() -> registry.get("notification.outbox.waiting").gauge().value() >= 1
                && registry.get("notification.outbox.next.attempt.seconds").gauge().value() > 0);
        // a reply lives 10 minutes (app.relay.lifetime.reply): move past them
        TestClock.INSTANCE.advance(Duration.ofMinutes(10));

        var row = awaitState(to, "failed");
        assertEquals("expired", row.getString("error_code"));
        assertTrue(row.getString("error_message").contains("20503"), row.getString("error_message"));
        // every attempt was one request: twilio-java's own retry (three per call) is off, and none was spent unsent
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> requestsTo(to).size() == row.getInteger("attempts"));
        assertEquals(expiredBefore + 1, registry.counter("notification.failed", "reason", "expired").count());
    }

    @Test
    void aPermanentErrorFailsAtOnceWithItsReason() {
        var to = randomWhatsapp();
        server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1).withRequestBody(containing(toParam(to)))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(error(21211, 400, "Invalid 'To' Phone Number"))));

        send(reply(to, randomUserRef(), "to a bad number"));

        var row = awaitState(to, "failed");
        assertEquals("21211", row.getString("error_code"));
        assertEquals(1, row.getInteger("attempts"));
        assertEquals(1, requestsTo(to).size());
    }

    @Test
    void outsideTheWindowTwilioRefusalIsResentAsTheApprovedTemplate() {
        var to = randomWhatsapp();
        refuseFreeFormOutsideWindow(to);

        send(notification(to, randomUserRef(), "You received 1,000 sats", "payment_received",
                Map.of("1", "1,000 sats", "2", "rohan"), null));

        var row = awaitState(to, "sent");
        assertTrue(row.getBoolean("use_template"));
        var requests = requestsTo(to);
        assertEquals(2, requests.size());
        assertTrue(form(requests.get(0)).containsKey("Body"));
        var template = form(requests.get(1));
        assertEquals("HX00000000000000000000000000000001", template.get("ContentSid"));
        assertTrue(template.get("ContentVariables").contains("\"2\":\"rohan\""));
        assertNull(template.get("Body"));
    }

    @Test
    void aKnownClosedWindowChoosesTheTemplateBeforeSending() {
        var to = randomWhatsapp();
        send(notification(to, randomUserRef(), "You received 5 sats", "payment_received", Map.of("1", "5 sats"),
                Instant.now().minus(Duration.ofHours(30))));

        awaitState(to, "sent");
        var requests = requestsTo(to);
        assertEquals(1, requests.size());
        assertEquals("HX00000000000000000000000000000001", form(requests.get(0)).get("ContentSid"));
    }

    @Test
    void aFreeFormMessageOutsideTheWindowWithoutTemplateFailsWithoutCallingTwilio() {
        var to = randomWhatsapp();
        var late = new OutboundMessage(Envelope.create(RoutingKeys.Outbound.REPLY, randomSid(), randomUserRef()), to,
                "too late", List.of(), List.of(), null, null, Instant.now().minus(Duration.ofHours(25)));
        send(late);

        var row = awaitState(to, "failed");
        assertEquals("63016", row.getString("error_code"));
        assertTrue(requestsTo(to).isEmpty());
    }

    @Test
    void theLastInboundTimeFromTheGatewayOpensTheWindow() {
        var to = randomWhatsapp();
        var userRef = randomUserRef();
        var wroteAt = Instant.now().minus(Duration.ofHours(1));
        var inbound = new InboundMessage(Envelope.create(RoutingKeys.Inbound.TEXT, randomSid(), userRef),
                randomSid(), to, to.substring("whatsapp:".length()), "Keisha", "balance", false, List.of(), null,
                null, null, null, wroteAt);
        publish(Exchanges.WHATSAPP_INBOUND, inbound);
        await().atMost(WAIT).until(() -> pool.preparedQuery("select count(*) from inbound_window where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getLong(0) == 1);

        // the producer says the user wrote long ago, the gateway knows better: free-form, no template
        send(notification(to, userRef, "You received 5 sats", "payment_received", Map.of("1", "5 sats"),
                Instant.now().minus(Duration.ofHours(40))));

        awaitState(to, "sent");
        var params = form(requestsTo(to).get(0));
        assertEquals("You received 5 sats", params.get("Body"));
        assertFalse(params.containsKey("ContentSid"));
    }

    @Test
    void repliesToOneUserGoOutInTheOrderTheyWereProduced() {
        pauseRelay();
        var to = randomWhatsapp();
        var userRef = randomUserRef();
        for (int i = 1; i <= 5; i++) {
            send(reply(to, userRef, "part " + i));
        }
        await().atMost(WAIT).until(() -> stored(to).size() == 5);
        relay.resume();

        awaitState(to, "sent");
        var bodies = requestsTo(to).stream().map(r -> form(r).get("Body")).toList();
        assertEquals(List.of("part 1", "part 2", "part 3", "part 4", "part 5"), bodies);
    }

    @Test
    void manyRecipientsAreServedInParallelLanesEachInItsOwnOrder() {
        pauseRelay();
        var recipients = new java.util.ArrayList<String>();
        for (int r = 0; r < 10; r++) {
            var to = randomWhatsapp();
            var userRef = randomUserRef();
            recipients.add(to);
            for (int i = 1; i <= 5; i++) {
                send(reply(to, userRef, "lane " + r + " part " + i));
            }
        }
        await().atMost(WAIT).until(() -> recipients.stream().allMatch(to -> stored(to).size() == 5));
        relay.resume();

        for (int r = 0; r < recipients.size(); r++) {
            var to = recipients.get(r);
            awaitState(to, "sent");
            var bodies = requestsTo(to).stream().map(q -> form(q).get("Body")).toList();
            var expected = new java.util.ArrayList<String>();
            for (int i = 1; i <= 5; i++) {
                expected.add("lane " + r + " part " + i);
            }
            assertEquals(expected, bodies, "exactly once and in order for " + to);
        }
    }

    @Test
    void aSlowRecipientDoesNotHoldUpOthers() {
        var slow = randomWhatsapp();
        var stub = server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1)
                .withRequestBody(containing(toParam(slow)))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withFixedDelay(10_000)
                        .withBody(WireMockTwilio.message("{{randomValue length=32 type='HEXADECIMAL'}}",
                                "queued"))));
        try {
            var first = reply(slow, randomUserRef(), "slow");
            send(first);
            await().atMost(WAIT).until(() -> requestsTo(slow).size() == 1);

            var fast = randomWhatsapp();
            send(reply(fast, randomUserRef(), "fast"));
            awaitState(fast, "sent");
            // the slow recipient's request is still waiting for Twilio's answer: the lanes are independent
            assertEquals("sending", stateOf(first.envelope().messageId()));
            awaitState(slow, "sent");
        } finally {
            server.removeStub(stub);
        }
    }

    @Test
    void aBodyLongerThanTwilioAllowsIsSentAsPartsInOrder() {
        var to = randomWhatsapp();
        var longBody = ("word ".repeat(400)).strip(); // 1,999 characters
        send(reply(to, randomUserRef(), longBody));

        await().atMost(WAIT).until(() -> requestsTo(to).size() == 2);
        var parts = requestsTo(to).stream().map(r -> form(r).get("Body")).toList();
        assertTrue(parts.get(0).length() <= 1600);
        assertEquals(longBody, parts.get(0) + " " + parts.get(1));
    }

    @Test
    void finishedMessagesLoseTheirTextAndNumberAfterTheRetentionPeriod() {
        var to = randomWhatsapp();
        var message = reply(to, randomUserRef(), "old news");
        send(message);
        awaitState(to, "sent");
        pool.preparedQuery("update outbound_message set created_at = now() - interval '31 days' where id = $1")
                .execute(Tuple.of(message.envelope().messageId())).await().indefinitely();

        retention.purge().await().indefinitely();

        var row = pool.preparedQuery("select * from outbound_message where id = $1")
                .execute(Tuple.of(message.envelope().messageId())).await().indefinitely().iterator().next();
        assertNull(row.getString("body"));
        assertEquals("redacted", row.getString("to_address"));
        assertEquals("sent", row.getString("state"));
    }

    @Test
    void theBacklogGaugesAreExported() {
        pauseRelay();
        var to = randomWhatsapp();
        send(reply(to, randomUserRef(), "waiting"));
        storedOne(to);
        await().atMost(WAIT).until(() -> registry.get("notification.outbox.depth").gauge().value() >= 1);
        relay.resume();
        awaitState(to, "sent");
        assertNotNull(registry.get("notification.sends").tag("outcome", "accepted").counter());
        assertNotNull(registry.get("notification.send.latency").timer());
    }

    @Test
    void theOutboxTableIsVacuumedOnceEnoughMessagesWentThrough() {
        var before = vacuumCount();
        var analyzedBefore = analyzeCounts();
        var to = randomWhatsapp();
        var user = randomUserRef();
        for (int i = 0; i < 25; i++) {
            send(reply(to, user, "churn " + i));
        }
        await().atMost(WAIT).until(() -> stored(to), rows -> rows.size() == 25
                && rows.stream().allMatch(r -> "sent".equals(r.getString("state"))));
        // the dead row versions those sends left are removed by the relay, not left to a (possibly absent) autovacuum
        await().atMost(WAIT).until(() -> vacuumCount() > before);
        // timed when the whole statement is over (the tables' vacuums and analyzes), after the first table's count
        await().atMost(WAIT).until(() -> registry.find("notification.outbox.vacuum").timer() != null
                && registry.find("notification.outbox.vacuum").timer().count() >= 1);
        // and analyzed, so the plans of the relay's prepared statements follow the tables' growth without autovacuum
        await().atMost(WAIT).until(() -> {
            var now = analyzeCounts();
            return now.get(0) > analyzedBefore.get(0) && now.get(1) > analyzedBefore.get(1);
        });
    }

    @Test
    void aYoungOutboxIsVacuumedEachTimeItsClaimsDouble() {
        assertEquals(500, OutboxRelay.FIRST_VACUUM_AFTER);
        assertEquals(1000, OutboxRelay.nextVacuumDue(500, 10_000));
        assertEquals(8000, OutboxRelay.nextVacuumDue(4000, 10_000));
        assertEquals(10_000, OutboxRelay.nextVacuumDue(8000, 10_000));
        assertEquals(10_000, OutboxRelay.nextVacuumDue(10_000, 10_000));
        assertEquals(20, OutboxRelay.nextVacuumDue(20, 20));
    }

    @Test
    void theQueueIsAnalyzedAgainEachTimeItDoublesPastFiveHundred() {
        assertFalse(OutboxRelay.queueGrown(499, 0));
        assertTrue(OutboxRelay.queueGrown(500, 0));
        assertTrue(OutboxRelay.queueGrown(500, 240));
        assertFalse(OutboxRelay.queueGrown(999, 500));
        assertTrue(OutboxRelay.queueGrown(1000, 500));
        assertFalse(OutboxRelay.queueGrown(3000, 2000));
    }

    private long vacuumCount() {
        return pool.query("select vacuum_count from pg_stat_user_tables where relname = 'outbound_pending'")
                .execute().await().indefinitely().iterator().next().getLong(0);
    }

    /** How often outbound_message and outbound_sid were analyzed (manually, by the relay), in that order. */
    private List<Long> analyzeCounts() {
        var counts = new ArrayList<Long>();
        for (var table : List.of("outbound_message", "outbound_sid")) {
            counts.add(pool.preparedQuery("select analyze_count from pg_stat_user_tables where relname = $1")
                    .execute(Tuple.of(table)).await().indefinitely().iterator().next().getLong(0));
        }
        return counts;
    }
}
