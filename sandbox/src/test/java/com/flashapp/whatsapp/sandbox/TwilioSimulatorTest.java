package com.flashapp.whatsapp.sandbox;

import com.twilio.security.RequestValidator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class TwilioSimulatorTest {

    static final String SID = "AC00000000000000000000000000000000";
    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String SENDER = "whatsapp:+14155238886";
    static final String MESSAGES = "/2010-04-01/Accounts/" + SID + "/Messages.json";

    private final RequestValidator validator = new RequestValidator(TOKEN);

    @AfterEach
    void clearFaults() {
        given().delete("/sandbox/twilio/faults").then().statusCode(204);
    }

    private static RequestSpecification twilio() {
        return given().auth().preemptive().basic(SID, TOKEN).contentType(ContentType.URLENC);
    }

    private static void userWrites(String phone, String body) {
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "body", body, "profileName", "Tess"))
                .post("/sandbox/whatsapp/messages").then().statusCode(200)
                .body("messageSid", matchesPattern("^SM[0-9a-f]{32}$")).body("gatewayStatus", is(200));
    }

    @Test
    void userMessagesReachTheGatewaySignedLikeTwilio() {
        var phone = randomPhone();
        userWrites(phone, "help");
        var received = FakeGateway.at("/webhooks/twilio/messages").stream()
                .filter(r -> ("whatsapp:" + phone).equals(r.params().get("From"))).findFirst().orElseThrow();
        assertTrue(validator.validate(FakeGateway.url("/webhooks/twilio/messages"), received.params(),
                received.signature()), "RequestValidator accepts the webhook signature");
        assertEquals("help", received.params().get("Body"));
        assertEquals("Tess", received.params().get("ProfileName"));
        assertEquals(phone.substring(1), received.params().get("WaId"));
        assertEquals(SENDER, received.params().get("To"));
        assertEquals(SID, received.params().get("AccountSid"));
        assertTrue(received.params().get("MessageSid").startsWith("SM"));
    }

    @Test
    void quickReplyTapCarriesButtonPayload() {
        var phone = randomPhone();
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "body", "Yes", "buttonPayload", "YES"))
                .post("/sandbox/whatsapp/messages").then().statusCode(200);
        var received = FakeGateway.at("/webhooks/twilio/messages").stream()
                .filter(r -> ("whatsapp:" + phone).equals(r.params().get("From"))).findFirst().orElseThrow();
        assertEquals("YES", received.params().get("ButtonPayload"));
        assertEquals("button", received.params().get("MessageType"));
    }

    @Test
    void sendInsideTheWindowIsDeliveredWithSignedCallbacks() {
        var phone = randomPhone();
        var to = "whatsapp:" + phone;
        userWrites(phone, "balance");
        var callback = FakeGateway.url("/callbacks/in-window");
        var sid = twilio().formParam("To", to).formParam("From", SENDER).formParam("Body", "Your balance is $1.00")
                .formParam("StatusCallback", callback)
                .post(MESSAGES).then().statusCode(201)
                .body("sid", matchesPattern("^SM[0-9a-f]{32}$")).body("status", is("queued"))
                .body("account_sid", is(SID)).body("to", is(to)).body("from", is(SENDER))
                .body("direction", is("outbound-api")).body("error_code", nullValue())
                .extract().jsonPath().getString("sid");

        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(sid).containsAll(List.of("sent", "delivered", "read")));
        for (var r : FakeGateway.at("/callbacks/in-window")) {
            if (sid.equals(r.params().get("MessageSid"))) {
                assertTrue(validator.validate(callback, r.params(), r.signature()),
                        "RequestValidator accepts the " + r.params().get("MessageStatus") + " callback");
            }
        }
        given().queryParam("to", to).get("/sandbox/twilio/messages").then().statusCode(200)
                .body("[0].sid", is(sid)).body("[0].body", is("Your balance is $1.00")).body("[0].status", is("read"));
    }

    private static List<String> statuses(String sid) {
        return FakeGateway.RECEIVED.stream().filter(r -> sid.equals(r.params().get("MessageSid")))
                .map(r -> r.params().get("MessageStatus")).toList();
    }

    @Test
    void freeFormOutsideTheWindowIsUndelivered63016ButATemplatePasses() {
        var phone = randomPhone();
        var to = "whatsapp:" + phone;
        var callback = FakeGateway.url("/callbacks/outside");
        var sid = twilio().formParam("To", to).formParam("From", SENDER).formParam("Body", "You received $5")
                .formParam("StatusCallback", callback)
                .post(MESSAGES).then().statusCode(201).extract().jsonPath().getString("sid");
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(sid).contains("undelivered"));
        var undelivered = FakeGateway.RECEIVED.stream().filter(r -> sid.equals(r.params().get("MessageSid")))
                .findFirst().orElseThrow();
        assertEquals("63016", undelivered.params().get("ErrorCode"));
        assertTrue(validator.validate(callback, undelivered.params(), undelivered.signature()));

        var template = twilio().formParam("To", to).formParam("From", SENDER)
                .formParam("ContentSid", "HX0123456789abcdef0123456789abcdef")
                .formParam("ContentVariables", "{\"1\":\"$5.00\"}")
                .formParam("StatusCallback", callback)
                .post(MESSAGES).then().statusCode(201).extract().jsonPath().getString("sid");
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(template).contains("delivered"));
        given().queryParam("to", to).get("/sandbox/twilio/messages").then()
                .body("[0].status", is("undelivered")).body("[0].errorCode", is(63016))
                .body("[1].contentSid", is("HX0123456789abcdef0123456789abcdef"))
                .body("[1].contentVariables", is("{\"1\":\"$5.00\"}"));
    }

    @Test
    void aWindowOpenedThroughTheControlApiLetsAFreeFormMessageThroughWithoutAWebhook() {
        var phone = randomPhone();
        var to = "whatsapp:" + phone;
        var before = FakeGateway.at("/webhooks/twilio/messages").size();
        given().contentType(ContentType.JSON).body(Map.of("phones", List.of(phone)))
                .post("/sandbox/twilio/windows").then().statusCode(200).body("opened", is(1));
        assertEquals(before, FakeGateway.at("/webhooks/twilio/messages").size(), "no webhook is delivered");
        var sid = twilio().formParam("To", to).formParam("From", SENDER).formParam("Body", "Your answer")
                .formParam("StatusCallback", FakeGateway.url("/callbacks/opened"))
                .post(MESSAGES).then().statusCode(201).extract().jsonPath().getString("sid");
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(sid).contains("delivered"));
        assertTrue(!statuses(sid).contains("undelivered"), statuses(sid).toString());
    }

    @Test
    void openingWindowsRefusesAnyNumberThatIsNotE164AndOpensNone() {
        var good = randomPhone();
        given().contentType(ContentType.JSON).body(Map.of("phones", List.of(good, "876-555-0000")))
                .post("/sandbox/twilio/windows").then().statusCode(400)
                .body("detail", matchesPattern(".*E\\.164.*876-555-0000.*"));
        given().contentType(ContentType.JSON).body(Map.of("phones", List.of()))
                .post("/sandbox/twilio/windows").then().statusCode(400);
        // the valid number of the refused request got no window: a free-form message to it is undelivered
        var sid = twilio().formParam("To", "whatsapp:" + good).formParam("From", SENDER).formParam("Body", "x")
                .formParam("StatusCallback", FakeGateway.url("/callbacks/refused-window"))
                .post(MESSAGES).then().statusCode(201).extract().jsonPath().getString("sid");
        await().atMost(Duration.ofSeconds(10)).until(() -> statuses(sid).contains("undelivered"));
    }

    @Test
    void sentMessagesCanBeReadFromAnOffsetInSendOrder() {
        var phone = randomPhone();
        var to = "whatsapp:" + phone;
        given().contentType(ContentType.JSON).body(Map.of("phones", List.of(phone)))
                .post("/sandbox/twilio/windows").then().statusCode(200);
        var offset = given().get("/sandbox/twilio/messages").jsonPath().getList("$").size();
        for (var body : List.of("first", "second")) {
            twilio().formParam("To", to).formParam("From", SENDER).formParam("Body", body)
                    .post(MESSAGES).then().statusCode(201);
        }
        given().queryParam("offset", offset).get("/sandbox/twilio/messages").then().statusCode(200)
                .body("size()", is(2)).body("[0].body", is("first")).body("[1].body", is("second"));
        given().queryParam("to", to).queryParam("offset", 1).get("/sandbox/twilio/messages").then()
                .body("size()", is(1)).body("[0].body", is("second"));
        given().queryParam("offset", -1).get("/sandbox/twilio/messages").then().statusCode(400);
    }

    @Test
    void invalidRequestsGetTwiliosErrorJson() {
        given().contentType(ContentType.URLENC).formParam("To", "whatsapp:+18765550000").formParam("Body", "x")
                .post(MESSAGES).then().statusCode(401).body("code", is(20003));
        given().auth().preemptive().basic(SID, "wrong-token").contentType(ContentType.URLENC)
                .formParam("To", "whatsapp:+18765550000").formParam("Body", "x")
                .post(MESSAGES).then().statusCode(401).body("code", is(20003));
        twilio().formParam("From", SENDER).formParam("Body", "x")
                .post(MESSAGES).then().statusCode(400).body("code", is(21604)).body("status", is(400))
                .body("more_info", is("https://www.twilio.com/docs/errors/21604"));
        twilio().formParam("To", "whatsapp:banana").formParam("From", SENDER).formParam("Body", "x")
                .post(MESSAGES).then().statusCode(400).body("code", is(21211));
        twilio().formParam("To", "whatsapp:+18765550000").formParam("From", SENDER)
                .post(MESSAGES).then().statusCode(400).body("code", is(21619));
        twilio().formParam("To", "whatsapp:+18765550000").formParam("From", "+14155238886").formParam("Body", "x")
                .post(MESSAGES).then().statusCode(400).body("code", is(21910));
        twilio().formParam("To", "whatsapp:+18765550000").formParam("From", SENDER).formParam("Body", "x".repeat(1601))
                .post(MESSAGES).then().statusCode(400).body("code", is(21617));
    }

    @Test
    void faultsAnswer429And500() {
        given().contentType(ContentType.JSON).body(Map.of("mode", "http429", "rate", 1, "durationSeconds", 30))
                .post("/sandbox/twilio/faults").then().statusCode(200);
        twilio().formParam("To", "whatsapp:+18765550000").formParam("From", SENDER).formParam("Body", "x")
                .post(MESSAGES).then().statusCode(429).body("code", is(20429));
        given().delete("/sandbox/twilio/faults").then().statusCode(204);
        given().contentType(ContentType.JSON).body(Map.of("mode", "http500", "rate", 1, "durationSeconds", 30))
                .post("/sandbox/twilio/faults").then().statusCode(200);
        twilio().formParam("To", "whatsapp:+18765550000").formParam("From", SENDER).formParam("Body", "x")
                .post(MESSAGES).then().statusCode(500);
    }

    @Test
    void droppedCallbacksNeverArriveButStatusMovesOn() {
        var phone = randomPhone();
        var to = "whatsapp:" + phone;
        userWrites(phone, "hi");
        given().contentType(ContentType.JSON).body(Map.of("mode", "drop", "rate", 1, "durationSeconds", 30))
                .post("/sandbox/twilio/faults").then().statusCode(200);
        var sid = twilio().formParam("To", to).formParam("From", SENDER).formParam("Body", "hello")
                .formParam("StatusCallback", FakeGateway.url("/callbacks/dropped"))
                .post(MESSAGES).then().statusCode(201).extract().jsonPath().getString("sid");
        await().atMost(Duration.ofSeconds(10)).until(() -> "read".equals(given().queryParam("to", to)
                .get("/sandbox/twilio/messages").jsonPath().getString("[0].status")));
        assertTrue(statuses(sid).isEmpty());
    }

    @Test
    void twimlRepliesFromTheGatewayAreSentToTheUser() {
        var phone = randomPhone();
        FakeGateway.twimlReply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Got it &amp; thanks"
                + "</Message></Response>";
        try {
            userWrites(phone, "hello");
        } finally {
            FakeGateway.twimlReply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
        }
        given().queryParam("to", "whatsapp:" + phone).get("/sandbox/twilio/messages").then()
                .body("[0].body", is("Got it & thanks"));
        given().queryParam("phone", phone).get("/sandbox/whatsapp/conversation").then()
                .body("[0].direction", is("inbound")).body("[0].body", is("hello"))
                .body("[1].direction", is("outbound"));
    }
}
