package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.SandboxTwilio;
import com.flashapp.whatsapp.notification.support.WireMockTwilio;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send path against the sandbox module's Twilio simulator, run as its own process (sends to
 * {@link WireMockTwilio#SANDBOX_PREFIX} numbers reach it unchanged).
 */
@QuarkusTest
class SandboxTwilioTest extends NotificationTestBase {

    @BeforeEach
    void simulatorUp() {
        SandboxTwilio.ready();
    }

    @AfterEach
    void clearFaults() {
        SandboxTwilio.clearFaults();
    }

    @Test
    void aReplyIsStoredThenSentExactlyOnceToTheSimulator() {
        var to = SandboxTwilio.number();
        var message = reply(to, randomUserRef(), "Your balance: J$1,560.00");
        send(message);
        send(message); // redelivered

        var row = awaitState(to, "sent");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> SandboxTwilio.sentTo(to).size() == 1);
        var sent = SandboxTwilio.sentTo(to).get(0);
        assertEquals(row.getString("twilio_sid"), sent.get("sid"));
        assertEquals("Your balance: J$1,560.00", sent.get("body"));
        assertEquals("whatsapp:+14155238886", sent.get("from"));
    }

    @Test
    void tooManyRequestsFromTheSimulatorAreRetriedUntilSent() {
        SandboxTwilio.fault(Map.of("mode", "http429", "rate", 1.0, "durationSeconds", 1));
        var to = SandboxTwilio.number();
        send(reply(to, randomUserRef(), "after the storm"));

        var row = awaitState(to, "sent");
        assertTrue(row.getInteger("attempts") >= 2, "retried: " + row.getInteger("attempts"));
        assertEquals(1, SandboxTwilio.sentTo(to).size());
    }

    @Test
    void aNotificationOutsideTheWindowGoesAsTheApprovedTemplateAndIsRead() {
        var to = SandboxTwilio.number();
        send(notification(to, randomUserRef(), "You received 1,000 sats", "payment_received",
                Map.of("1", "1,000 sats", "2", "rohan"), Instant.now().minus(Duration.ofHours(30))));

        awaitState(to, "sent");
        var sent = SandboxTwilio.sentTo(to).get(0);
        assertEquals("HX00000000000000000000000000000001", sent.get("contentSid"));
        // the simulator delivers approved templates outside the window: sent → delivered → read
        await().atMost(WAIT).until(() -> "read".equals(SandboxTwilio.sentTo(to).get(0).get("status")));
    }
}
