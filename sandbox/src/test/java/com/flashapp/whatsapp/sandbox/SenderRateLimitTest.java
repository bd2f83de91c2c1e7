package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;

import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static com.flashapp.whatsapp.sandbox.TwilioSimulatorTest.MESSAGES;
import static com.flashapp.whatsapp.sandbox.TwilioSimulatorTest.SID;
import static com.flashapp.whatsapp.sandbox.TwilioSimulatorTest.TOKEN;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sender pool in the simulator, each sender with its own throughput limit: 429 (20429) past it. */
@QuarkusTest
@TestProfile(SenderRateLimitTest.Pool.class)
class SenderRateLimitTest {

    static final String FIRST = "whatsapp:+14155238886";
    static final String SECOND = "whatsapp:+14155238887";

    public static class Pool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sandbox.twilio.whatsapp-senders", FIRST + "," + SECOND,
                    "sandbox.twilio.sender-rate-per-second", "2",
                    "sandbox.twilio.sender-burst", "2");
        }
    }

    @AfterEach
    void configuredLimitAgain() {
        given().delete("/sandbox/twilio/sender-rate").then().statusCode(200);
    }

    private static RequestSpecification twilio() {
        return given().auth().preemptive().basic(SID, TOKEN).contentType(ContentType.URLENC);
    }

    private static Response send(String from, String to, String body) {
        return twilio().formParam("To", to).formParam("From", from).formParam("Body", body).post(MESSAGES);
    }

    private static int sentTo(String to) {
        return given().queryParam("to", to).get("/sandbox/twilio/messages").then().statusCode(200)
                .extract().jsonPath().getList("$").size();
    }

    @Test
    void aSenderPastItsRateGets429WithRetryAfterWhileAnotherSenderStillSends() {
        given().get("/sandbox/twilio/sender-rate").then().statusCode(200)
                .body("perSecond", is(2.0f)).body("burst", is(2));
        var to = "whatsapp:" + randomPhone();
        send(FIRST, to, "one").then().statusCode(201);
        send(FIRST, to, "two").then().statusCode(201);
        var refused = send(FIRST, to, "three");
        refused.then().statusCode(429).body("code", is(20429)).body("status", is(429))
                .body("message", is("Too Many Requests"))
                .body("more_info", is("https://www.twilio.com/docs/errors/20429"));
        assertEquals("1", refused.header("Retry-After"));
        assertEquals(2, sentTo(to), "a refused send is not recorded");

        // the other sender has a bucket of its own
        var other = "whatsapp:" + randomPhone();
        send(SECOND, other, "one").then().statusCode(201);
        send(SECOND, other, "two").then().statusCode(201);

        // the first sender's bucket refills at its rate
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> send(FIRST, to, "three").statusCode() == 201);
        assertEquals(3, sentTo(to));
    }

    @Test
    void aUserWritesToTheNumberWhoseChatTheyAreIn() {
        var phone = randomPhone();
        var first = userWritesTo(phone, "hi");
        assertTrue(first.equals(FIRST) || first.equals(SECOND), first);
        assertEquals(first, userWritesTo(phone, "again"), "the same number while nothing else messaged them");
        var other = first.equals(FIRST) ? SECOND : FIRST;
        send(other, "whatsapp:" + phone, "hello from our other number").then().statusCode(201);
        assertEquals(other, userWritesTo(phone, "answering it"), "their reply is in that number's chat");
    }

    /** The user writes; returns the webhook's {@code To}: our number they wrote to. */
    private static String userWritesTo(String phone, String body) {
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "body", body))
                .post("/sandbox/whatsapp/messages").then().statusCode(200);
        return FakeGateway.at("/webhooks/twilio/messages").stream()
                .filter(r -> ("whatsapp:" + phone).equals(r.params().get("From"))
                        && body.equals(r.params().get("Body")))
                .findFirst().orElseThrow().params().get("To");
    }

    @Test
    void onlyTheSendersOfThePoolMaySend() {
        send("whatsapp:+14155238899", "whatsapp:" + randomPhone(), "x").then().statusCode(400).body("code", is(63007));
    }

    @Test
    void aMessagingServiceKeepsEachRecipientOnOneSenderOfThePool() {
        given().contentType(ContentType.JSON).body(Map.of("perSecond", 0)).put("/sandbox/twilio/sender-rate")
                .then().statusCode(200).body("perSecond", is(0.0f));
        var from = new HashSet<String>();
        var to = "whatsapp:" + randomPhone();
        for (int i = 0; i < 3; i++) {
            from.add(twilio().formParam("To", to).formParam("MessagingServiceSid", "MG" + "0".repeat(32))
                    .formParam("Body", "m" + i).post(MESSAGES).then().statusCode(201).extract().path("from"));
        }
        assertEquals(1, from.size(), "one sender for the recipient: " + from);
        assertTrue(from.contains(FIRST) || from.contains(SECOND), from.toString());
    }

    @Test
    void theLimitCanBeChangedAndSwitchedOffAtRunTime() {
        given().contentType(ContentType.JSON).body(Map.of("perSecond", 1, "burst", 1)).put("/sandbox/twilio/sender-rate")
                .then().statusCode(200).body("perSecond", is(1.0f)).body("burst", is(1));
        var to = "whatsapp:" + randomPhone();
        send(SECOND, to, "one").then().statusCode(201);
        send(SECOND, to, "two").then().statusCode(429).body("code", is(20429));

        given().contentType(ContentType.JSON).body(Map.of("perSecond", 0)).put("/sandbox/twilio/sender-rate")
                .then().statusCode(200);
        for (int i = 0; i < 10; i++) {
            send(SECOND, to, "free " + i).then().statusCode(201);
        }
        given().contentType(ContentType.JSON).body(Map.of("perSecond", -1)).put("/sandbox/twilio/sender-rate")
                .then().statusCode(400);
    }
}
