package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.gateway.security.UserRefHasher;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.gateway.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;

import static com.flashapp.whatsapp.gateway.support.Webhooks.MESSAGES;
import static com.flashapp.whatsapp.gateway.support.Webhooks.newPhone;
import static com.flashapp.whatsapp.gateway.support.Webhooks.newSid;
import static com.flashapp.whatsapp.gateway.support.Webhooks.postSigned;
import static com.flashapp.whatsapp.gateway.support.Webhooks.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inbound-message webhook end to end: signed form in, exactly one normalised message on the real broker. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwilioMessageWebhookTest {

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Inject
    UserRefHasher hasher;

    BrokerTap inbound;
    BrokerTap outbound;

    @BeforeAll
    void tap() {
        inbound = BrokerTap.on(Exchanges.WHATSAPP_INBOUND, RoutingKeys.Inbound.ALL);
        outbound = BrokerTap.on(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
    }

    @AfterAll
    void untap() {
        inbound.close();
        outbound.close();
    }

    private List<InboundMessage> published(String sid) {
        return inbound.messages(InboundMessage.class, m -> sid.equals(m.messageSid()));
    }

    @Test
    void signedTextWebhookEndsAsExactlyOneNormalisedMessage() {
        var sid = newSid();
        var phone = newPhone();
        // decomposed "é" (e + combining acute), surrounding blanks and a control character
        var response = postSigned(base, MESSAGES, text(sid, phone, "  Cafe\u0301 balance\u0007  "));

        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/xml"));
        assertTrue(response.body().contains("<Response/>"));
        var message = inbound.await(InboundMessage.class, m -> sid.equals(m.messageSid()));
        assertEquals(RoutingKeys.Inbound.TEXT, message.envelope().type());
        assertEquals(sid, message.envelope().correlationId());
        assertEquals("whatsapp:" + phone, message.from());
        assertEquals(phone, message.phone());
        assertEquals(hasher.userRef(phone), message.envelope().userRef());
        assertTrue(message.envelope().userRef().matches("u_[0-9a-f]{64}"));
        assertEquals("Caf\u00e9 balance", message.body());
        assertFalse(message.bodyTruncated());
        assertEquals("Keisha", message.profileName());
        assertEquals("whatsapp:+14155238886", message.to(), "our number the user wrote to");
        assertEquals(RoutingKeys.Inbound.TEXT, inbound.seen(sid).get(0).routingKey());
        inbound.flush();
        assertEquals(1, published(sid).size());
    }

    @Test
    void aMalformedToIsDroppedNotTheMessage() {
        var sid = newSid();
        var params = text(sid, newPhone(), "hi");
        params.put("To", "+14155238886");
        assertEquals(200, postSigned(base, MESSAGES, params).statusCode());
        var message = inbound.await(InboundMessage.class, m -> sid.equals(m.messageSid()));
        assertNull(message.to(), "only a WhatsApp address is carried");
    }

    @Test
    void sameMessageSidTwicePublishesOnce() {
        var sid = newSid();
        var params = text(sid, newPhone(), "balance");
        assertEquals(200, postSigned(base, MESSAGES, params).statusCode());
        assertEquals(200, postSigned(base, MESSAGES, params).statusCode());
        inbound.await(InboundMessage.class, m -> sid.equals(m.messageSid()));
        inbound.flush();
        assertEquals(1, published(sid).size());
    }

    @Test
    void unsignedMisSignedAndAlteredRequestsPublishNothing() {
        var sid = newSid();
        var params = text(sid, newPhone(), "send 100 to rohan");
        var good = Webhooks.sign(MESSAGES, params);

        var unsigned = Webhooks.post(base, MESSAGES, Webhooks.FORM, (String) null, Webhooks.form(params));
        assertEquals(403, unsigned.statusCode());
        assertTrue(unsigned.body().contains("\"status\":403"));
        assertTrue(unsigned.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));

        assertEquals(403, Webhooks.post(base, MESSAGES, Webhooks.FORM,
                Webhooks.sign("wrong-token", Webhooks.PUBLIC_BASE + MESSAGES, params), Webhooks.form(params)).statusCode());

        // signed by the right token but over the internal URL, not the public one Twilio calls
        assertEquals(403, Webhooks.post(base, MESSAGES, Webhooks.FORM,
                Webhooks.sign(Webhooks.TOKEN, base.resolve(MESSAGES).toString(), params), Webhooks.form(params)).statusCode());

        // a genuine signature replayed with an altered body
        var altered = new LinkedHashMap<>(params);
        altered.put("Body", "send 100000 to mallory");
        assertEquals(403, Webhooks.post(base, MESSAGES, Webhooks.FORM, good, Webhooks.form(altered)).statusCode());

        inbound.flush();
        assertTrue(published(sid).isEmpty());
    }

    @Test
    void acceptsTheRotationToken() {
        var sid = newSid();
        var params = text(sid, newPhone(), "hi");
        var signature = Webhooks.sign("rotated-token-for-tests-00000000", Webhooks.PUBLIC_BASE + MESSAGES, params);
        // with the charset parameter, as the sandbox's Twilio simulator sends it
        assertEquals(200, Webhooks.post(base, MESSAGES, Webhooks.FORM + "; charset=UTF-8", signature,
                Webhooks.form(params)).statusCode());
        inbound.await(InboundMessage.class, m -> sid.equals(m.messageSid()));
    }

    @Test
    void signsOverTheQueryStringToo() {
        var sid = newSid();
        var params = text(sid, newPhone(), "hi");
        var signature = Webhooks.sign(Webhooks.TOKEN, Webhooks.PUBLIC_BASE + MESSAGES + "?tenant=jm", params);
        assertEquals(200, Webhooks.post(base, MESSAGES + "?tenant=jm", Webhooks.FORM, signature, Webhooks.form(params)).statusCode());
        assertEquals(403, Webhooks.post(base, MESSAGES + "?tenant=us", Webhooks.FORM, signature, Webhooks.form(params)).statusCode());
    }

    @Test
    void mapsMediaButtonAndLocationToTheirRoutingKeys() {
        var phone = newPhone();
        var mediaSid = newSid();
        var media = text(mediaSid, phone, "");
        media.put("NumMedia", "2");
        media.put("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1");
        media.put("MediaContentType0", "image/jpeg");
        media.put("MediaUrl1", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME2");
        media.put("MediaContentType1", "audio/ogg");
        var buttonSid = newSid();
        var button = text(buttonSid, phone, "Check balance");
        button.put("ButtonPayload", "balance");
        button.put("ButtonText", "Check balance");
        button.put("OriginalRepliedMessageSid", "MM0123456789abcdef0123456789abcdef");
        button.put("SomeParameterTwilioAddsNextYear", "tolerated");
        var locationSid = newSid();
        var location = text(locationSid, phone, "");
        location.put("Latitude", "18.0179");
        location.put("Longitude", "-76.8099");
        location.put("Address", "Half Way Tree, Kingston");
        location.put("Label", "Home");

        for (var p : List.of(media, button, location)) {
            assertEquals(200, postSigned(base, MESSAGES, p).statusCode());
        }

        var m = inbound.await(InboundMessage.class, x -> mediaSid.equals(x.messageSid()));
        assertEquals(RoutingKeys.Inbound.MEDIA, m.envelope().type());
        assertEquals(List.of(new InboundMessage.Media("image/jpeg", media.get("MediaUrl0")),
                new InboundMessage.Media("audio/ogg", media.get("MediaUrl1"))), m.media());
        var b = inbound.await(InboundMessage.class, x -> buttonSid.equals(x.messageSid()));
        assertEquals(RoutingKeys.Inbound.BUTTON, b.envelope().type());
        assertEquals("balance", b.buttonPayload());
        assertEquals("Check balance", b.buttonText());
        assertEquals("MM0123456789abcdef0123456789abcdef", b.repliedToMessageSid());
        var l = inbound.await(InboundMessage.class, x -> locationSid.equals(x.messageSid()));
        assertEquals(RoutingKeys.Inbound.LOCATION, l.envelope().type());
        assertEquals(new InboundMessage.Location(18.0179, -76.8099, "Half Way Tree, Kingston", "Home"), l.location());
    }

    @Test
    void cutsAnOverlongBodyInsteadOfRejectingIt() {
        var sid = newSid();
        var response = postSigned(base, MESSAGES, text(sid, newPhone(), "x".repeat(5000)));
        assertEquals(200, response.statusCode());
        var message = inbound.await(InboundMessage.class, m -> sid.equals(m.messageSid()));
        assertTrue(message.bodyTruncated());
        assertEquals(4096, message.body().length());
    }

    @Test
    void refusesBadInputWithAProblemAfterTheSignatureCheck() {
        var phone = newPhone();
        var noFrom = text(newSid(), phone, "hi");
        noFrom.remove("From");
        assertProblem(400, "missing-from", postSigned(base, MESSAGES, noFrom));

        var smsFrom = text(newSid(), phone, "hi");
        smsFrom.put("From", phone);
        assertProblem(400, "invalid-from", postSigned(base, MESSAGES, smsFrom));

        var noSid = text("x", phone, "hi");
        noSid.remove("MessageSid");
        assertProblem(400, "missing-message-sid", postSigned(base, MESSAGES, noSid));

        var sid = newSid();
        var params = text(sid, phone, "hi");
        var signature = Webhooks.sign(MESSAGES, params);
        var duplicated = new String(Webhooks.form(params), StandardCharsets.US_ASCII) + "&Body=again";
        assertProblem(400, "duplicate-parameter", Webhooks.post(base, MESSAGES, Webhooks.FORM, signature,
                duplicated.getBytes(StandardCharsets.US_ASCII)));

        // invalid UTF-8 (a lone 0xFF byte): signed over what the gateway decodes, refused as an encoding error
        var badUtf8 = new LinkedHashMap<>(params);
        badUtf8.put("Body", "\uFFFD");
        var rawBody = (new String(Webhooks.form(text(sid, phone, "")), StandardCharsets.US_ASCII)).replace("Body=", "Body=%FF");
        assertProblem(400, "invalid-encoding", Webhooks.post(base, MESSAGES, Webhooks.FORM,
                Webhooks.sign(MESSAGES, badUtf8), rawBody.getBytes(StandardCharsets.US_ASCII)));

        // wrong content type: only a URL-only signature can match, then 415
        assertProblem(415, "unsupported-media-type", Webhooks.post(base, MESSAGES, "application/json",
                Webhooks.sign(MESSAGES, Map.of()), "{\"Body\":\"hi\"}".getBytes(StandardCharsets.UTF_8)));

        // a huge request
        var huge = text(newSid(), phone, "y".repeat(70_000));
        assertProblem(413, "body-too-large", postSigned(base, MESSAGES, huge));

        inbound.flush();
        assertTrue(published(sid).isEmpty());
    }

    @Test
    void rateLimitHoldsUnderConcurrentSendersAndTellsEachSenderOnce() throws Exception {
        var phones = List.of(newPhone(), newPhone(), newPhone());
        var sids = new ArrayList<Map.Entry<String, String>>();
        for (var phone : phones) {
            for (int i = 0; i < 16; i++) {
                sids.add(Map.entry(phone, newSid()));
            }
        }
        var tasks = new ArrayList<Callable<Integer>>();
        for (var entry : sids) {
            tasks.add(() -> postSigned(base, MESSAGES, text(entry.getValue(), entry.getKey(), "spam")).statusCode());
        }
        var started = System.nanoTime();
        var pool = Executors.newFixedThreadPool(12);
        try {
            for (var future : pool.invokeAll(tasks)) {
                assertEquals(200, future.get()); // limited messages are acknowledged so Twilio does not retry them
            }
        } finally {
            pool.shutdownNow();
        }
        var seconds = (System.nanoTime() - started) / 1e9;
        inbound.flush();
        outbound.flush();
        for (var phone : phones) {
            var userRef = hasher.userRef(phone);
            var accepted = inbound.messages(InboundMessage.class, m -> userRef.equals(m.envelope().userRef())).size();
            // burst of 10, plus at most what 30/min refills while the test ran
            assertTrue(accepted >= 10 && accepted <= 10 + (int) Math.ceil(seconds / 2) + 1,
                    "accepted " + accepted + " for one sender in " + seconds + "s");
            var notices = outbound.messages(OutboundMessage.class, m -> userRef.equals(m.envelope().userRef()));
            // one notice per notice window (1 minute): on a loaded machine the burst itself may span two windows
            var windows = 1 + (int) (seconds / 60);
            assertTrue(notices.size() >= 1 && notices.size() <= windows,
                    notices.size() + " notices in " + seconds + "s for one sender");
            assertEquals("whatsapp:" + phone, notices.get(0).to());
            assertEquals(RoutingKeys.Outbound.REPLY, notices.get(0).envelope().type());
            assertNull(notices.get(0).templateKey());
        }
    }

    @Test
    void countsReceivedRejectedPublishedDeduplicatedRateLimitedAndAckLatency() {
        var phone = newPhone();
        var first = text(newSid(), phone, "hi");
        postSigned(base, MESSAGES, first);
        postSigned(base, MESSAGES, first);
        Webhooks.post(base, MESSAGES, Webhooks.FORM, (String) null, Webhooks.form(first));
        for (int i = 0; i < 11; i++) {
            postSigned(base, MESSAGES, text(newSid(), phone, "again"));
        }
        var scraped = io.restassured.RestAssured.get(metrics).then().statusCode(200).extract().asString();
        for (var expected : List.of("gateway_webhooks_received_total{endpoint=\"messages\"",
                "gateway_webhooks_rejected_total{endpoint=\"messages\",reason=\"missing-signature\"",
                "gateway_webhooks_published_total{endpoint=\"messages\"",
                "gateway_webhooks_deduplicated_total{endpoint=\"messages\"",
                "gateway_webhooks_rate_limited_total{endpoint=\"messages\"",
                "gateway_webhooks_ack_seconds_count{endpoint=\"messages\",status=\"200\"",
                "gateway_webhooks_ack_seconds_count{endpoint=\"messages\",status=\"403\"")) {
            assertTrue(scraped.contains(expected), "metrics lack " + expected);
        }
    }

    private static void assertProblem(int status, String reason, java.net.http.HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"));
        assertTrue(response.body().contains("urn:flash-whatsapp:problem:" + reason), response.body());
        assertFalse(response.body().contains("Exception"));
    }
}
