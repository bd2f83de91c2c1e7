package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.SandboxTwilio;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pool of three WhatsApp senders against the sandbox's Twilio simulator (which accepts the three): recipients
 * spread over the senders, each recipient always on the same one and in order; a sender that Twilio refuses for its
 * rate (the simulator's per-sender limit: 429, 20429, Retry-After) slows down and its messages are retried until each
 * is delivered exactly once, while another sender goes on unhindered.
 */
@QuarkusTest
@TestProfile(SenderPoolTest.ThreeSenders.class)
class SenderPoolTest extends NotificationTestBase {

    private static final Duration POOL_WAIT = Duration.ofSeconds(60);

    /** The simulator's three senders as the relay's pool, at the test profile's rate. */
    public static class ThreeSenders implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("app.relay.senders", String.join(",", SandboxTwilio.SENDERS));
        }
    }

    @Inject
    SenderPool senders;

    @Inject
    MeterRegistry registry;

    @Inject
    com.flashapp.whatsapp.notification.repository.AccountRepository accounts;

    @BeforeEach
    void simulatorUp() {
        SandboxTwilio.ready();
    }

    @AfterEach
    void noSenderLimit() {
        SandboxTwilio.resetSenderRate();
    }

    /** Fresh simulator numbers until {@code each} of them fall on every sender of the pool; by sender. */
    private Map<String, List<String>> recipientsPerSender(int each) {
        var by = new HashMap<String, List<String>>();
        SandboxTwilio.SENDERS.forEach(s -> by.put(s, new ArrayList<>()));
        var seen = new HashSet<String>();
        while (by.values().stream().anyMatch(l -> l.size() < each)) {
            var to = SandboxTwilio.number();
            var list = by.get(senders.forRecipient(to).from());
            if (seen.add(to) && list.size() < each) {
                list.add(to);
            }
        }
        return by;
    }

    @Test
    void recipientsSpreadOverTheSendersInProportionAndEachKeepsItsSender() {
        assertEquals(SandboxTwilio.SENDERS, senders.senders().stream().map(SenderPool.Sender::from).toList());
        var counts = new HashMap<String, Integer>();
        for (int i = 0; i < 3_000; i++) {
            var to = String.format("whatsapp:+1876%07d", i);
            var sender = senders.forRecipient(to);
            assertEquals(sender, senders.forRecipient(to), "the same sender every time");
            counts.merge(sender.from(), 1, Integer::sum);
        }
        // 1,000 each expected; the hash spreads them within a few percent
        counts.forEach((sender, n) -> assertTrue(n > 850 && n < 1150, sender + " serves " + n + " of 3,000"));
        // each sender may hold a third of the lanes
        senders.senders().forEach(s -> assertEquals(21, s.share(), s.from()));
    }

    @Test
    void aUserIsAnsweredFromTheNumberTheyWroteToAndANumberNotInThePoolFallsBackToTheHash() {
        var by = recipientsPerSender(2);
        var hashed = SandboxTwilio.SENDERS.get(0);
        var wroteTo = SandboxTwilio.SENDERS.get(1);
        var to = by.get(hashed).get(0);
        var userRef = randomUserRef();
        // the user's chat is with another of our numbers (whatsapp.inbound's To): WhatsApp's window is per number
        accounts.recordInbound(userRef, java.time.Instant.now(), wroteTo).await().atMost(POOL_WAIT);
        send(reply(to, userRef, "from the number you wrote to"));
        var other = by.get(hashed).get(1);
        var otherRef = randomUserRef();
        accounts.recordInbound(otherRef, java.time.Instant.now(), "whatsapp:+19995550000").await().atMost(POOL_WAIT);
        send(reply(other, otherRef, "from the hashed sender"));

        await().atMost(POOL_WAIT).until(() -> !SandboxTwilio.sentTo(to).isEmpty()
                && !SandboxTwilio.sentTo(other).isEmpty());
        assertEquals(wroteTo, SandboxTwilio.sentTo(to).get(0).get("from"));
        assertEquals(hashed, SandboxTwilio.sentTo(other).get(0).get("from"), "not one of ours: the hash decides");
    }

    @Test
    void eachRecipientsMessagesLeaveFromItsOwnSenderInOrder() {
        var by = recipientsPerSender(2);
        var all = by.values().stream().flatMap(List::stream).toList();
        // one user per number, as in production: a user's messages share a shard, so they are stored in order
        var users = all.stream().collect(Collectors.toMap(to -> to, to -> randomUserRef()));
        for (int i = 0; i < 4; i++) {
            for (var to : all) {
                send(reply(to, users.get(to), "message " + i));
            }
        }
        await().atMost(POOL_WAIT).until(() -> all.stream().allMatch(to -> SandboxTwilio.sentTo(to).size() >= 4));
        by.forEach((sender, recipients) -> recipients.forEach(to -> {
            var sent = SandboxTwilio.sentTo(to);
            assertEquals(List.of("message 0", "message 1", "message 2", "message 3"),
                    sent.stream().map(m -> m.get("body")).toList(), "in order, once each, to " + to);
            sent.forEach(m -> assertEquals(sender, m.get("from"), "every message to " + to + " from its sender"));
        }));
    }

    @Test
    void aSenderOverItsRateIsSlowedAndEveryMessageIsDeliveredOnceWhileAnotherSenderGoesOn() {
        var first = senders.senders().get(0);
        var by = recipientsPerSender(4);
        var slowed = by.get(first.from());
        var other = by.get(SandboxTwilio.SENDERS.get(1)).get(0);
        double rateLimitedBefore = rateLimited(first);
        // two sends a second per sender, far below the relay's pace: the first sender's burst is refused
        SandboxTwilio.senderRate(2, 2);

        // one user per number, as in production: a user's messages share a shard, so they are stored in order
        var users = slowed.stream().collect(Collectors.toMap(to -> to, to -> randomUserRef()));
        for (int i = 0; i < 3; i++) {
            for (var to : slowed) {
                send(reply(to, users.get(to), "slow " + i));
            }
        }
        var otherUser = randomUserRef();
        send(reply(other, otherUser, "other 0"));
        send(reply(other, otherUser, "other 1"));

        await().atMost(POOL_WAIT).until(() -> slowed.stream().allMatch(to -> stored(to).size() == 3
                && stored(to).stream().allMatch(r -> "sent".equals(r.getString("state")))));
        // nothing more arrives later: each message reached the simulator once, in its recipient's order
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> slowed.stream().allMatch(to -> SandboxTwilio.sentTo(to).size() == 3));
        for (var to : slowed) {
            var sent = SandboxTwilio.sentTo(to);
            assertEquals(List.of("slow 0", "slow 1", "slow 2"), sent.stream().map(m -> m.get("body")).toList());
            sent.forEach(m -> assertEquals(first.from(), m.get("from")));
            var rows = stored(to);
            for (int i = 0; i < 3; i++) {
                assertEquals(sent.get(i).get("sid"), rows.get(i).getString("twilio_sid"), "recorded with its sid");
            }
        }
        int attempts = slowed.stream().flatMap(to -> stored(to).stream()).mapToInt(r -> r.getInteger("attempts")).sum();
        assertTrue(attempts > 12, "the simulator refused some sends, and they were tried again: " + attempts);
        assertTrue(rateLimited(first) > rateLimitedBefore, "counted per sender");

        // the other sender's own budget was untouched: both of its messages went on the first try
        var otherRows = awaitState(other, "sent");
        assertEquals(1, otherRows.getInteger("attempts"));
        assertTrue(stored(other).stream().allMatch(r -> r.getInteger("attempts") == 1), "no 429 for another sender");
        assertEquals(List.of("other 0", "other 1"),
                SandboxTwilio.sentTo(other).stream().map(m -> m.get("body")).toList());
    }

    private double rateLimited(SenderPool.Sender sender) {
        var counter = registry.find("notification.sender.sends").tag("sender", sender.from())
                .tag("outcome", "rate_limited").counter();
        return counter == null ? 0 : counter.count();
    }
}
