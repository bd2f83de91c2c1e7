package com.flashapp.whatsapp.notification.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.ACCOUNT_SID;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.MESSAGES_PATH;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.error;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.form;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.server;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Quick replies as real WhatsApp buttons: a Content template per button set, created through Twilio's Content API
 * (WireMock) once and reused; numbered text when the window is not known to be open, when Twilio will not create
 * the template, or when it refuses a send with it.
 */
@QuarkusTest
class QuickReplyButtonsTest extends NotificationTestBase {

    static final String CONTENT_PATH = "/v1/Content";
    private final ObjectMapper json = new ObjectMapper();

    /** Twilio creates a template for requests that mention {@code marker} (a button id unique to the test). */
    private static void contentCreated(String marker, String sid) {
        server.stubFor(post(urlPathEqualTo(CONTENT_PATH)).atPriority(1)
                .withBasicAuth(ACCOUNT_SID, "0123456789abcdef0123456789abcdef")
                .withHeader("Content-Type", containing("application/json"))
                .withRequestBody(containing(marker))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"sid\": \"" + sid + "\", \"account_sid\": \"" + ACCOUNT_SID + "\", "
                                + "\"friendly_name\": \"flash_buttons\", \"language\": \"en\", \"variables\": {}, "
                                + "\"types\": {}, \"url\": \"https://content.twilio.com/v1/Content/" + sid + "\", "
                                + "\"date_created\": \"2026-12-06T12:00:00Z\", "
                                + "\"date_updated\": \"2026-12-06T12:00:00Z\", \"links\": {}}")));
    }

    private static List<LoggedRequest> contentRequests(String marker) {
        return server.findAll(postRequestedFor(urlPathEqualTo(CONTENT_PATH)).withRequestBody(containing(marker)));
    }

    private static String contentSid() {
        return "HX" + UUID.randomUUID().toString().replace("-", "");
    }

    private static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static OutboundMessage reply(String to, String body, List<QuickReply> replies, Instant lastInboundAt) {
        return new OutboundMessage(Envelope.create(RoutingKeys.Outbound.REPLY, randomSid(), randomUserRef()), to,
                body, List.of(), replies, null, null, lastInboundAt);
    }

    @Test
    void buttonsInsideTheWindowAreOneTemplateCreatedOnceAndReusedForEveryBody() throws Exception {
        var marker = marker();
        var sid = contentSid();
        contentCreated(marker, sid);
        var replies = List.of(new QuickReply(marker, "Confirm"), new QuickReply("cancel", "Cancel"));
        var first = randomWhatsapp();
        var second = randomWhatsapp();

        send(reply(first, "Send 5 sats to bob?", replies, Instant.now()));
        awaitState(first, "sent");
        send(reply(second, "Send 7 sats to carol?", replies, Instant.now()));
        awaitState(second, "sent");

        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> contentRequests(marker).size() == 1);
        JsonNode created = json.readTree(contentRequests(marker).get(0).getBodyAsString());
        assertEquals("en", created.get("language").asText());
        var quickReply = created.get("types").get("twilio/quick-reply");
        assertEquals("{{1}}", quickReply.get("body").asText());
        assertEquals("Confirm", quickReply.get("actions").get(0).get("title").asText());
        assertEquals(marker, quickReply.get("actions").get(0).get("id").asText());
        assertEquals("QUICK_REPLY", quickReply.get("actions").get(0).get("type").asText());
        assertEquals("cancel", quickReply.get("actions").get(1).get("id").asText());
        assertFalse(created.get("variables").get("1").asText().isBlank(), "a sample for {{1}}");

        for (var pair : List.of(Map.entry(first, "Send 5 sats to bob?"), Map.entry(second, "Send 7 sats to carol?"))) {
            var sends = requestsTo(pair.getKey());
            assertEquals(1, sends.size());
            var params = form(sends.get(0));
            assertEquals(sid, params.get("ContentSid"));
            assertEquals(pair.getValue(), json.readTree(params.get("ContentVariables")).get("1").asText());
            assertNull(params.get("Body"), "the text travels in ContentVariables");
        }
        var stored = pool.preparedQuery("select count(*) from quick_reply_content where content_sid = $1")
                .execute(Tuple.of(sid)).await().indefinitely().iterator().next().getLong(0);
        assertEquals(1L, stored, "the template is kept for every replica and restart");
    }

    @Test
    void fourToTenOptionsGoOutAsAListPicker() throws Exception {
        var marker = marker();
        var sid = contentSid();
        contentCreated(marker, sid);
        var replies = List.of(new QuickReply(marker, "Balance"), new QuickReply("history", "History"),
                new QuickReply("receive", "Receive"), new QuickReply("help", "Help"));
        var to = randomWhatsapp();

        send(reply(to, "What next?", replies, Instant.now()));
        awaitState(to, "sent");

        var created = json.readTree(contentRequests(marker).get(0).getBodyAsString());
        var list = created.get("types").get("twilio/list-picker");
        assertEquals("{{1}}", list.get("body").asText());
        assertEquals("Choose", list.get("button").asText());
        assertEquals(4, list.get("items").size());
        assertEquals(marker, list.get("items").get(0).get("id").asText());
        assertEquals("Balance", list.get("items").get(0).get("item").asText());
        assertTrue(created.get("types").get("twilio/quick-reply") == null
                || created.get("types").get("twilio/quick-reply").isNull());
        assertEquals(sid, form(requestsTo(to).get(0)).get("ContentSid"));
    }

    @Test
    void aTemplateTwilioWillNotCreateLeavesTheMessageAsNumberedText() {
        var marker = marker();
        server.stubFor(post(urlPathEqualTo(CONTENT_PATH)).atPriority(1).withRequestBody(containing(marker))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(error(20001, 400, "Invalid content"))));
        var to = randomWhatsapp();

        send(reply(to, "Send 5 sats to bob?", List.of(new QuickReply(marker, "Confirm")), Instant.now()));
        awaitState(to, "sent");

        assertEquals(1, contentRequests(marker).size());
        var params = form(requestsTo(to).get(0));
        assertNull(params.get("ContentSid"));
        assertEquals("Send 5 sats to bob?\n\n• Confirm: reply *" + marker + "*", params.get("Body"));
    }

    @Test
    void aWindowNotKnownToBeOpenGetsNumberedTextAndNoTemplate() {
        var marker = marker();
        contentCreated(marker, contentSid());
        var to = randomWhatsapp();

        send(reply(to, "Your balance: $12.34", List.of(new QuickReply(marker, "See history")), null));
        awaitState(to, "sent");

        assertTrue(contentRequests(marker).isEmpty(), "no template without a known-open window");
        var params = form(requestsTo(to).get(0));
        assertNull(params.get("ContentSid"));
        assertTrue(params.get("Body").endsWith("• See history: reply *" + marker + "*"));
    }

    @Test
    void aTemplateTwilioRefusesOnSendIsForgottenAndTheTextGoesOutInstead() {
        var marker = marker();
        var sid = contentSid();
        contentCreated(marker, sid);
        server.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).atPriority(1)
                .withRequestBody(containing("ContentSid=" + sid))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(error(21655, 400, "The ContentSid is Invalid."))));
        var to = randomWhatsapp();

        send(reply(to, "Send 5 sats to bob?", List.of(new QuickReply(marker, "Confirm")), Instant.now()));
        var row = awaitState(to, "sent");

        var sends = requestsTo(to);
        assertEquals(2, sends.size());
        assertEquals(sid, form(sends.get(0)).get("ContentSid"));
        assertEquals("Send 5 sats to bob?\n\n• Confirm: reply *" + marker + "*", form(sends.get(1)).get("Body"));
        assertEquals("sent", row.getString("state"));
        await().atMost(WAIT).until(() -> pool.preparedQuery(
                        "select count(*) from quick_reply_content where content_sid = $1").execute(Tuple.of(sid))
                .await().indefinitely().iterator().next().getLong(0) == 0L);
    }
}
