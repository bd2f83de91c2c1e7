package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.SandboxTwilio;
import com.flashapp.whatsapp.notification.support.WireMockTwilio;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The send path against the sandbox module's Twilio simulator, run as its own process (sends to
 * {@link WireMockTwilio#SANDBOX_PREFIX} numbers reach it unchanged).
 */
@QuarkusTest
class SandboxTwilioTest extends NotificationTestBase {

    String simulator;

    @BeforeEach
    void simulatorUp() {
        simulator = SandboxTwilio.ready();
    }

    @AfterEach
    void clearFaults() {
        given().delete(simulator + "/sandbox/twilio/faults").then().statusCode(204);
    }

    private static String sandboxNumber() {
        return WireMockTwilio.SANDBOX_PREFIX + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    @Test
    void aReplyIsStoredThenSentExactlyOnceToTheSimulator() {
        var to = sandboxNumber();
        var message = reply(to, randomUserRef(), "Your balance: J$1,560.00");
        send(message);
        send(message); // redelivered

        var row = awaitState(to, "sent");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> simulated(to).size() == 1);
        var sent = simulated(to).get(0);
        assertEquals(row.getString("twilio_sid"), sent.get("sid"));
        assertEquals("Your balance: J$1,560.00", sent.get("body"));
        assertEquals("whatsapp:+14155238886", sent.get("from"));
    }

    @Test
    void tooManyRequestsFromTheSimulatorAreRetriedUntilSent() {
        given().contentType(ContentType.JSON).body(Map.of("mode", "http429", "rate", 1.0, "durationSeconds", 1))
                .post(simulator + "/sandbox/twilio/faults").then().statusCode(200);
        var to = sandboxNumber();
        send(reply(to, randomUserRef(), "after the storm"));

        var row = awaitState(to, "sent");
        assertTrue(row.getInteger("attempts") >= 2, "retried: " + row.getInteger("attempts"));
        assertEquals(1, simulated(to).size());
    }

    @Test
    void aNotificationOutsideTheWindowGoesAsTheApprovedTemplateAndIsRead() {
        var to = sandboxNumber();
        send(notification(to, randomUserRef(), "You received 1,000 sats", "payment_received",
                Map.of("1", "1,000 sats", "2", "rohan"), Instant.now().minus(Duration.ofHours(30))));

        awaitState(to, "sent");
        var sent = simulated(to).get(0);
        assertEquals("HX00000000000000000000000000000001", sent.get("contentSid"));
        // the simulator delivers approved templates outside the window: sent → delivered → read
        await().atMost(WAIT).until(() -> "read".equals(simulated(to).get(0).get("status")));
    }

    private List<Map<String, Object>> simulated(String to) {
        JsonPath json = given().queryParam("to", to).get(simulator + "/sandbox/twilio/messages")
                .then().statusCode(200).extract().jsonPath();
        return json.getList("$");
    }
}
