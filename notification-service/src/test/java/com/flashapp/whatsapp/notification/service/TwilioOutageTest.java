package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.client.TwilioMessages;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.SandboxTwilio;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.MESSAGES_PATH;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.error;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.server;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.toParam;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twilio down for a while: messages are retried for their lifetime, not a number of attempts; while the circuit
 * breaker is open the relay claims nothing and Twilio gets no request; when probes succeed the backlog drains, each
 * recipient's messages in order, each sent once. The outage is shortened by this profile: 200 ms → 1 s backoff, the
 * breaker opens after 4 requests and lets a probe through after 2 s, a reply lives 5 minutes (longer than any
 * outage here) and a notification 4 seconds (shorter than the outage it meets).
 */
@QuarkusTest
@TestProfile(TwilioOutageTest.ShortOutages.class)
class TwilioOutageTest extends NotificationTestBase {

    private static final Duration OUTAGE_WAIT = Duration.ofSeconds(90);

    /** Short backoff, lifetimes and breaker delay, so outages measured in seconds stand for minutes. */
    public static class ShortOutages implements QuarkusTestProfile {
        private static final String BREAKER =
                "quarkus.fault-tolerance.\"com.flashapp.whatsapp.notification.client.TwilioMessages/create\""
                        + ".circuit-breaker.";

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.relay.backoff-initial", "200ms",
                    "app.relay.backoff-max", "1s",
                    "app.relay.lifetime.reply", "5m",
                    "app.relay.lifetime.notification", "4s",
                    BREAKER + "request-volume-threshold", "4",
                    BREAKER + "delay", "2");
        }
    }

    /** A state the breaker moved to, and when (wall clock, as WireMock stamps requests). */
    private record Transition(CircuitBreakerState state, long atMillis) {
    }

    private static final List<Transition> TRANSITIONS = new CopyOnWriteArrayList<>();
    private static CircuitBreakerMaintenance recording;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    MeterRegistry registry;

    private final List<StubMapping> outages = new ArrayList<>();

    @BeforeEach
    void recordTransitions() {
        if (recording != breakers) {
            breakers.onStateChange(TwilioMessages.BREAKER,
                    state -> TRANSITIONS.add(new Transition(state, System.currentTimeMillis())));
            recording = breakers;
        }
        TRANSITIONS.clear();
    }

    @AfterEach
    void twilioBack() {
        outages.forEach(server::removeStub);
        SandboxTwilio.clearFaults();
        breakers.reset(TwilioMessages.BREAKER);
    }

    /** Twilio answers 500 to every send to numbers starting with this prefix, until the test ends or removes it. */
    private StubMapping failSendsTo(String prefix) {
        var stub = server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1)
                .withRequestBody(containing(toParam(prefix)))
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody(error(20500, 500, "Internal Server Error"))));
        outages.add(stub);
        return stub;
    }

    private static String numberWithPrefix(String prefix) {
        return prefix + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    private boolean allSent(List<String> recipients, int each) {
        return recipients.stream().allMatch(to -> {
            var rows = stored(to);
            return rows.size() == each && rows.stream().allMatch(r -> "sent".equals(r.getString("state")));
        });
    }

    /** Every attempt the outbox counted for this recipient was a request Twilio got: none spent without one. */
    private void assertAttemptsWereRequests(String to) {
        int attempts = stored(to).stream().mapToInt(r -> r.getInteger("attempts")).sum();
        assertEquals(requestsTo(to).size(), attempts, "attempts against requests for " + to);
    }

    @Test
    void aTwilioOutageIsRiddenOutAndEveryReplyGoesOutOnceInOrderWhenItEnds() {
        SandboxTwilio.ready();
        // the simulator answers 500 to every send for 6 s, then recovers by itself
        SandboxTwilio.fault(Map.of("mode", "http500", "rate", 1.0, "durationSeconds", 6));
        var recipients = new ArrayList<String>();
        for (int r = 0; r < 6; r++) {
            var to = SandboxTwilio.number();
            var user = randomUserRef();
            recipients.add(to);
            for (int i = 1; i <= 3; i++) {
                send(reply(to, user, "reply " + r + "." + i));
            }
        }

        await().atMost(OUTAGE_WAIT).until(() -> allSent(recipients, 3));

        for (int r = 0; r < recipients.size(); r++) {
            var to = recipients.get(r);
            var bodies = SandboxTwilio.sentTo(to).stream().map(m -> String.valueOf(m.get("body"))).toList();
            assertEquals(List.of("reply " + r + ".1", "reply " + r + ".2", "reply " + r + ".3"), bodies,
                    "each reply once, in order, to " + to);
            assertAttemptsWereRequests(to);
        }
        // it was an outage the relay rode out, not a blip: the breaker opened, probed and closed again
        var states = TRANSITIONS.stream().map(Transition::state).toList();
        assertTrue(states.contains(CircuitBreakerState.OPEN) && states.contains(CircuitBreakerState.HALF_OPEN)
                && states.get(states.size() - 1) == CircuitBreakerState.CLOSED, "breaker went " + states);
        int requests = recipients.stream().mapToInt(to -> requestsTo(to).size()).sum();
        assertTrue(requests > 18, "some were refused and retried: " + requests + " requests for 18 replies");
    }

    @Test
    void whileTheBreakerIsOpenTheRelayHoldsItsQueueAndTwilioGetsNoRequest() {
        var prefix = "whatsapp:+1876557";
        var outage = failSendsTo(prefix);
        var recipients = new ArrayList<String>();
        for (int r = 0; r < 6; r++) {
            var to = numberWithPrefix(prefix);
            recipients.add(to);
            send(reply(to, randomUserRef(), "during the outage"));
        }

        // the breaker opened (its latest move), the relay holds, and what was in flight then is settled
        var held = await().atMost(OUTAGE_WAIT).until(() -> {
            int last = TRANSITIONS.size() - 1;
            if (last < 0 || TRANSITIONS.get(last).state() != CircuitBreakerState.OPEN || !relay.idle()
                    || registry.get("notification.relay.held").gauge().value() != 1.0) {
                return null;
            }
            return new Held(last, System.currentTimeMillis());
        }, Objects::nonNull);
        assertTrue(recipients.stream().allMatch(to -> "queued".equals(stored(to).get(0).getString("state"))),
                "held messages wait, none failed");

        // until the breaker's next move (half open: it lets a probe through), Twilio gets nothing: no attempt is
        // spent while it is open
        await().atMost(OUTAGE_WAIT).until(() -> TRANSITIONS.size() > held.transition() + 1);
        var next = TRANSITIONS.get(held.transition() + 1);
        assertEquals(CircuitBreakerState.HALF_OPEN, next.state());
        long requestsWhileOpen = requestsWithPrefix(prefix).stream().mapToLong(q -> q.getLoggedDate().getTime())
                .filter(at -> at >= held.sinceMillis() && at < next.atMillis())
                .count();
        assertEquals(0, requestsWhileOpen, "requests to Twilio while the breaker was open");

        // Twilio recovers: the probes pass, the breaker closes and the held messages go out once each
        server.removeStub(outage);
        await().atMost(OUTAGE_WAIT).until(() -> allSent(recipients, 1));
        recipients.forEach(this::assertAttemptsWereRequests);
    }

    /** The relay was seen holding from {@code sinceMillis}, the breaker's latest move then being this one. */
    private record Held(int transition, long sinceMillis) {
    }

    @Test
    void aMessageWhoseLifetimeEndsDuringAnOutageFailsAsExpiredAndIsCountedWhileAReplyOutlivesIt() {
        var prefix = "whatsapp:+1876558";
        var outage = failSendsTo(prefix);
        var notified = numberWithPrefix(prefix);
        var answered = numberWithPrefix(prefix);
        double expiredBefore = registry.counter("notification.failed", "reason", "expired").count();

        // a notification lives 4 s here, a reply 5 minutes
        send(notification(notified, randomUserRef(), "You received 1,000 sats", null, Map.of(), Instant.now()));
        send(reply(answered, randomUserRef(), "Your balance: J$1,560.00"));

        Row failed = awaitExpired(notified);
        assertTrue(failed.getString("error_message").contains("20500"),
                "says what kept it from going out: " + failed.getString("error_message"));
        assertTrue(requestsTo(notified).size() >= 1, "it was tried");
        assertAttemptsWereRequests(notified);
        assertEquals(expiredBefore + 1, registry.counter("notification.failed", "reason", "expired").count());
        var reply = stored(answered).get(0).getString("state");
        assertTrue("queued".equals(reply) || "sending".equals(reply), "the reply still has time: " + reply);

        server.removeStub(outage);
        await().atMost(OUTAGE_WAIT).until(() -> allSent(List.of(answered), 1));
        assertAttemptsWereRequests(answered);
        assertEquals("failed", stored(notified).get(0).getString("state"));
    }

    private Row awaitExpired(String to) {
        var row = await().atMost(OUTAGE_WAIT).until(() -> stored(to),
                rows -> rows.size() == 1 && "failed".equals(rows.get(0).getString("state"))).get(0);
        assertEquals("expired", row.getString("error_code"), row.getString("error_message"));
        return row;
    }

    private static List<LoggedRequest> requestsWithPrefix(String prefix) {
        return server.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getUrl().contains("/Messages.json") && r.getBodyAsString().contains(toParam(prefix)))
                .toList();
    }
}
