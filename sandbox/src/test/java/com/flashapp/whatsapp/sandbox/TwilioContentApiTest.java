package com.flashapp.whatsapp.sandbox;

import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.content.v1.Content;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static com.flashapp.whatsapp.sandbox.TwilioSimulatorTest.MESSAGES;
import static com.flashapp.whatsapp.sandbox.TwilioSimulatorTest.SENDER;
import static com.flashapp.whatsapp.sandbox.TwilioSimulatorTest.SID;
import static com.flashapp.whatsapp.sandbox.TwilioSimulatorTest.TOKEN;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Twilio's Content API as the product uses it: quick-reply and list-picker templates created (by JSON and by
 * twilio-java's own {@code Content.creator}), validated like Twilio, sent with ContentSid and shown with buttons.
 */
@QuarkusTest
class TwilioContentApiTest {

    @TestHTTPResource("/")
    URL base;

    private static RequestSpecification content() {
        return given().auth().preemptive().basic(SID, TOKEN).contentType(ContentType.JSON);
    }

    private static Map<String, Object> quickReply(Object body, List<Map<String, Object>> actions) {
        return Map.of("friendly_name", "test_buttons", "language", "en", "variables", Map.of("1", "sample"),
                "types", Map.of("twilio/quick-reply", Map.of("body", body, "actions", actions)));
    }

    private static Map<String, Object> action(String title, String id) {
        return Map.of("type", "QUICK_REPLY", "title", title, "id", id);
    }

    @Test
    void aQuickReplyTemplateIsCreatedFetchedAndSentWithItsButtonsInsideTheWindow() {
        var sid = content().body(quickReply("{{1}}", List.of(action("Yes", "yes"), action("No", "no"))))
                .post("/v1/Content").then().statusCode(201)
                .body("sid", matchesPattern("^HX[0-9a-f]{32}$")).body("account_sid", is(SID))
                .body("language", is("en")).body("variables.1", is("sample"))
                .body("types.'twilio/quick-reply'.actions[1].id", is("no"))
                .extract().jsonPath().getString("sid");
        given().auth().preemptive().basic(SID, TOKEN).get("/v1/Content/" + sid).then().statusCode(200)
                .body("sid", is(sid)).body("url", is("https://content.twilio.com/v1/Content/" + sid));

        var phone = randomPhone();
        var to = "whatsapp:" + phone;
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "body", "send 5 to bob"))
                .post("/sandbox/whatsapp/messages").then().statusCode(200);
        given().auth().preemptive().basic(SID, TOKEN).contentType(ContentType.URLENC)
                .formParam("To", to).formParam("From", SENDER).formParam("ContentSid", sid)
                .formParam("ContentVariables", "{\"1\":\"Send 5 sats to bob?\"}")
                .post(MESSAGES).then().statusCode(201);
        // delivered, then read: session content inside the window goes through
        await().atMost(Duration.ofSeconds(10)).until(() -> List.of("delivered", "read").contains(given()
                .queryParam("to", to).get("/sandbox/twilio/messages").jsonPath().getString("[0].status")));
        given().queryParam("to", to).get("/sandbox/twilio/messages").then()
                .body("[0].contentSid", is(sid))
                .body("[0].content.type", is("twilio/quick-reply"))
                .body("[0].content.body", is("Send 5 sats to bob?"))
                .body("[0].body", is("Send 5 sats to bob?"))
                .body("[0].content.actions[0].id", is("yes")).body("[0].content.actions[0].title", is("Yes"))
                .body("[0].content.actions[1].id", is("no"));
        given().queryParam("phone", phone).get("/sandbox/whatsapp/conversation").then()
                .body("[1].content.actions.size()", is(2));
    }

    @Test
    void sessionContentOutsideTheWindowIsUndelivered63016() {
        var sid = content().body(quickReply("{{1}}", List.of(action("Yes", "yes"))))
                .post("/v1/Content").then().statusCode(201).extract().jsonPath().getString("sid");
        var to = "whatsapp:" + randomPhone();
        given().auth().preemptive().basic(SID, TOKEN).contentType(ContentType.URLENC)
                .formParam("To", to).formParam("From", SENDER).formParam("ContentSid", sid)
                .formParam("ContentVariables", "{\"1\":\"Still there?\"}")
                .post(MESSAGES).then().statusCode(201);
        await().atMost(Duration.ofSeconds(10)).until(() -> "undelivered".equals(given().queryParam("to", to)
                .get("/sandbox/twilio/messages").jsonPath().getString("[0].status")));
        given().queryParam("to", to).get("/sandbox/twilio/messages").then().body("[0].errorCode", is(63016));
    }

    @Test
    void badContentRequestsGetTwiliosErrorJson() {
        given().contentType(ContentType.JSON).body(quickReply("{{1}}", List.of(action("Yes", "yes"))))
                .post("/v1/Content").then().statusCode(401).body("code", is(20003));
        content().body(Map.of("types", Map.of("twilio/text", Map.of("body", "hi"))))
                .post("/v1/Content").then().statusCode(400).body("status", is(400))
                .body("message", containsString("language"));
        content().body("{not json").post("/v1/Content").then().statusCode(400);
        var eleven = java.util.stream.IntStream.range(0, 11).mapToObj(i -> action("B" + i, "b" + i)).toList();
        content().body(quickReply("{{1}}", eleven)).post("/v1/Content").then().statusCode(400)
                .body("message", containsString("1 to 10"));
        content().body(quickReply("{{1}}", List.of(action("A title far longer than twenty", "x"))))
                .post("/v1/Content").then().statusCode(400).body("message", containsString("20 characters"));
        content().body(quickReply("{{1}}", List.of(action("Yes", "same"), action("No", "same"))))
                .post("/v1/Content").then().statusCode(400).body("message", containsString("unique"));
        content().body(quickReply("Hi {{2}}", List.of(action("Yes", "yes"))))
                .post("/v1/Content").then().statusCode(400).body("message", containsString("sample"));
        content().body(quickReply("x".repeat(1025), List.of(action("Yes", "yes"))))
                .post("/v1/Content").then().statusCode(400).body("message", containsString("1024"));
        content().body(Map.of("language", "en", "types", Map.of("twilio/list-picker", Map.of("body", "Pick",
                        "button", "Choose", "items", List.of(Map.of("id", "a", "item", "An item longer than 24 chars"))))))
                .post("/v1/Content").then().statusCode(400).body("message", containsString("24 characters"));
        given().auth().preemptive().basic(SID, TOKEN).get("/v1/Content/HX0123456789abcdef0123456789abcdef")
                .then().statusCode(404).body("code", is(20404));
        // a ContentSid with a Body and ContentVariables together is refused like Twilio (35127)
        given().auth().preemptive().basic(SID, TOKEN).contentType(ContentType.URLENC)
                .formParam("To", "whatsapp:" + randomPhone()).formParam("From", SENDER)
                .formParam("ContentSid", "HX0123456789abcdef0123456789abcdef").formParam("Body", "hi")
                .formParam("ContentVariables", "{\"1\":\"x\"}")
                .post(MESSAGES).then().statusCode(400).body("code", is(35127));
    }

    /** twilio-java's JSON requests (Content API) sent to the sandbox instead of https://content.twilio.com. */
    static final class JsonSandboxClient extends HttpClient {
        private final String base;
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        JsonSandboxClient(String base) {
            this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }

        @Override
        public Response makeRequest(Request request) {
            try {
                var url = request.constructURL().toString().replace("https://content.twilio.com", base);
                var builder = HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", request.getAuthString()).header("Accept", "application/json");
                if (request.getMethod() == HttpMethod.POST) {
                    builder.header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(request.getBody()));
                } else {
                    builder.GET();
                }
                var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                return new Response(response.body(), response.statusCode());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void twilioJavasContentCreatorIsAcceptedForBothButtonTypes() {
        var client = new TwilioRestClient.Builder(SID, TOKEN).httpClient(new JsonSandboxClient(base.toString()))
                .build();
        var buttons = Content.ContentCreateRequest.builder("en", new Content.Types.Builder()
                        .twilioQuickReply(new Content.TwilioQuickReply.Builder("{{1}}", List.of(
                                new Content.QuickReplyAction.Builder("Yes").type(Content.QuickReplyActionType.QUICK_REPLY)
                                        .id("yes").build())).build()).build())
                .friendlyName("java_buttons").variables(Map.of("1", "sample")).build();
        var created = Content.creator(buttons).create(client);
        assertTrue(created.getSid().startsWith("HX"));
        assertEquals(created.getSid(), Content.fetcher(created.getSid()).fetch(client).getSid());

        var items = java.util.stream.IntStream.range(0, 5)
                .mapToObj(i -> new Content.ListItem.Builder("id" + i, "Item " + i).build()).toList();
        var list = Content.ContentCreateRequest.builder("en", new Content.Types.Builder()
                        .twilioListPicker(new Content.TwilioListPicker.Builder("{{1}}", "Choose", items).build())
                        .build())
                .friendlyName("java_list").variables(Map.of("1", "sample")).build();
        assertTrue(Content.creator(list).create(client).getSid().startsWith("HX"));
    }
}
