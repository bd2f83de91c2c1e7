package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.aisupport.support.MapleStub;
import com.flashapp.whatsapp.aisupport.support.TestOgg;
import com.flashapp.whatsapp.aisupport.support.TestUsers;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.VoiceNoteRequest;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Voice notes end to end against the real broker, with WireMock as Twilio's media API (Basic auth, redirect to
 * credential-free storage, delete) and as Maple's transcription endpoint.
 */
@QuarkusTest
@QuarkusTestResource(MapleStub.class)
class VoiceNoteTest {

    static final String ACCOUNT = "AC00000000000000000000000000000000";
    static final String BASIC = "Basic " + Base64.getEncoder().encodeToString(
            (ACCOUNT + ":0123456789abcdef0123456789abcdef").getBytes(StandardCharsets.UTF_8));
    static final String TRANSCRIBE = "/v1/audio/transcriptions";
    private static final Duration WITHIN = Duration.ofSeconds(20);

    @Inject
    CircuitBreakerMaintenance breakers;

    BrokerProbe broker;
    String replies;
    String transcripts;

    @BeforeEach
    void setUp() {
        MapleStub.answerNormally();
        breakers.resetAll();
        broker = new BrokerProbe();
        replies = broker.listen(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
        transcripts = broker.listen(Exchanges.WHATSAPP_INBOUND, RoutingKeys.Inbound.VOICE);
    }

    @AfterEach
    void tearDown() {
        broker.close();
        breakers.resetAll();
    }

    /** A media path of our account, its storage redirect, the stored bytes and the delete, stubbed. */
    private static String twilioHas(byte[] audio) {
        var messageSid = "MM" + UUID.randomUUID().toString().replace("-", "");
        var path = "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/" + messageSid + "/Media/ME"
                + UUID.randomUUID().toString().replace("-", "");
        var storage = "/storage/" + UUID.randomUUID();
        var server = MapleStub.server();
        server.stubFor(get(urlEqualTo(path)).withHeader("Authorization", equalTo(BASIC))
                .willReturn(aResponse().withStatus(307).withHeader("Location", server.baseUrl() + storage)));
        server.stubFor(get(urlEqualTo(path)).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(401).withBody("{\"code\": 20003}")));
        server.stubFor(get(urlEqualTo(storage)).withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "audio/ogg").withBody(audio)));
        server.stubFor(get(urlEqualTo(storage)).withHeader("Authorization", containing("Basic"))
                .willReturn(aResponse().withStatus(400).withBody("Only one auth mechanism allowed")));
        server.stubFor(delete(urlEqualTo(path + ".json")).withHeader("Authorization", equalTo(BASIC))
                .willReturn(aResponse().withStatus(204)));
        return path;
    }

    private static void mapleHears(String text) {
        MapleStub.server().stubFor(post(urlEqualTo(TRANSCRIBE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"text\": \"" + text + "\"}")));
    }

    private VoiceNoteRequest note(TestUsers.User user, String path) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        return new VoiceNoteRequest(Envelope.create(RoutingKeys.Support.VOICE_TRANSCRIBE, sid, user.userRef()),
                user.whatsapp(), user.whatsapp().substring("whatsapp:".length()), "Tess", sid,
                MapleStub.server().baseUrl() + path, "audio/ogg", Instant.now());
    }

    private OutboundMessage replyTo(VoiceNoteRequest note) {
        return broker.await(replies, OutboundMessage.class, m -> note.whatsapp().equals(m.to()), WITHIN);
    }

    private static boolean deleted(String path) {
        return !MapleStub.server().findAll(deleteRequestedFor(urlEqualTo(path + ".json"))).isEmpty();
    }

    @Test
    void aVoiceNoteComesBackToCommandServiceAsTheWordsSaidAndIsDeletedAtTwilio() {
        var user = TestUsers.newUser();
        var path = twilioHas(TestOgg.opus(3));
        mapleHears("  What is my balance?  ");
        var note = note(user, path);
        broker.publish(Exchanges.SUPPORT_REQUESTS, note);

        var said = broker.await(transcripts, InboundMessage.class, m -> note.messageSid().equals(m.messageSid()),
                WITHIN);
        assertEquals("What is my balance?", said.body());
        assertEquals(user.whatsapp(), said.from());
        assertEquals(note.phone(), said.phone());
        assertEquals("Tess", said.profileName());
        assertEquals(user.userRef(), said.envelope().userRef());
        assertEquals(note.messageSid(), said.envelope().correlationId());
        assertEquals(RoutingKeys.Inbound.VOICE, said.envelope().type());
        assertTrue(said.media().isEmpty());
        await().atMost(WITHIN).until(() -> deleted(path));

        var upload = MapleStub.server().findAll(postRequestedFor(urlEqualTo(TRANSCRIBE))).stream()
                .filter(r -> r.getHeader("Content-Type").startsWith("multipart/form-data")).toList();
        assertFalse(upload.isEmpty());
        var body = upload.get(upload.size() - 1).getBodyAsString();
        assertTrue(body.contains("name=\"file\"; filename=\"voice.ogg\""), body.substring(0, Math.min(400, body.length())));
        assertTrue(body.contains("name=\"model\"") && body.contains("whisper-large-v3"));
        assertEquals("Bearer sandbox-maple-key",
                upload.get(upload.size() - 1).getHeader("Authorization"));
        assertFalse(broker.arrives(replies, OutboundMessage.class, m -> note.whatsapp().equals(m.to()),
                Duration.ofSeconds(1)), "a transcribed note gets no reply of its own: command answers the words");
    }

    @Test
    void aNoteLongerThanAllowedIsRefusedKindlyWithoutMaple() {
        var user = TestUsers.newUser();
        var path = twilioHas(TestOgg.opus(150));
        mapleHears("never asked");
        var note = note(user, path);
        broker.publish(Exchanges.SUPPORT_REQUESTS, note);

        var reply = replyTo(note);
        assertEquals(VoiceNoteService.TOO_LONG.formatted("2 minutes"), reply.body());
        assertTrue(MapleStub.server().findAll(postRequestedFor(urlEqualTo(TRANSCRIBE))).isEmpty());
        await().atMost(WITHIN).until(() -> deleted(path));
    }

    @Test
    void aFileLargerThanTheLimitIsNotReadToTheEnd() {
        // cutting the download closes its connection; each note is still "too long", never "couldn't get it", and
        // the cut downloads do not open the breaker
        for (int i = 0; i < 6; i++) {
            var user = TestUsers.newUser();
            var path = twilioHas(new byte[70_000]); // the test profile's limit is 64 KiB
            var note = note(user, path);
            broker.publish(Exchanges.SUPPORT_REQUESTS, note);

            assertEquals(VoiceNoteService.TOO_LONG.formatted("2 minutes"), replyTo(note).body());
        }
        assertTrue(MapleStub.server().findAll(postRequestedFor(urlEqualTo(TRANSCRIBE))).isEmpty());
    }

    @Test
    void mapleDownAsksTheUserToType() {
        var user = TestUsers.newUser();
        var path = twilioHas(TestOgg.opus(2));
        MapleStub.server().stubFor(post(urlEqualTo(TRANSCRIBE)).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json").withBody("{\"error\": {\"message\": \"down\"}}")));
        var note = note(user, path);
        broker.publish(Exchanges.SUPPORT_REQUESTS, note);

        assertEquals(VoiceNoteService.CANT_LISTEN, replyTo(note).body());
        await().atMost(WITHIN).until(() -> deleted(path));
        assertFalse(broker.arrives(transcripts, InboundMessage.class,
                m -> note.messageSid().equals(m.messageSid()), Duration.ofSeconds(1)));
    }

    @Test
    void nothingSaidOrUndecodableAudioAsksTheUserToType() {
        var user = TestUsers.newUser();
        var silent = note(user, twilioHas(TestOgg.opus(2)));
        mapleHears(" … ");
        broker.publish(Exchanges.SUPPORT_REQUESTS, silent);
        assertEquals(VoiceNoteService.NOT_UNDERSTOOD, replyTo(silent).body());

        var other = TestUsers.newUser();
        var garbled = note(other, twilioHas(TestOgg.opus(2)));
        MapleStub.server().stubFor(post(urlEqualTo(TRANSCRIBE)).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\": {\"message\": \"Audio file could not be decoded or its format is not "
                        + "supported.\", \"type\": \"invalid_request_error\"}}")));
        broker.publish(Exchanges.SUPPORT_REQUESTS, garbled);
        assertEquals(VoiceNoteService.NOT_UNDERSTOOD, replyTo(garbled).body());
    }

    @Test
    void mediaThatIsGoneOrNotOursIsNotFetchedWithOurCredentials() {
        var user = TestUsers.newUser();
        var gone = note(user, "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/MMgone/Media/MEgone");
        MapleStub.server().stubFor(get(urlPathMatching(".*/MEgone")).willReturn(aResponse().withStatus(404)));
        broker.publish(Exchanges.SUPPORT_REQUESTS, gone);
        assertEquals(VoiceNoteService.NOT_FETCHED, replyTo(gone).body());

        var other = TestUsers.newUser();
        var foreign = note(other, "/elsewhere/ME123");
        broker.publish(Exchanges.SUPPORT_REQUESTS, foreign);
        assertEquals(VoiceNoteService.NOT_FETCHED, replyTo(foreign).body());
        assertTrue(MapleStub.server().findAll(getRequestedFor(urlEqualTo("/elsewhere/ME123"))).isEmpty(),
                "a URL outside our Twilio account is never requested");
    }

    @Test
    void otherMediaIsNotTakenForVoice() {
        var user = TestUsers.newUser();
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var picture = new VoiceNoteRequest(Envelope.create(RoutingKeys.Support.VOICE_TRANSCRIBE, sid,
                user.userRef()), user.whatsapp(), "+18765550000", null, sid,
                MapleStub.server().baseUrl() + "/2010-04-01/Accounts/" + ACCOUNT + "/Messages/MM1/Media/ME1",
                "image/jpeg", Instant.now());
        broker.publish(Exchanges.SUPPORT_REQUESTS, picture);
        assertEquals(VoiceNoteService.NOT_VOICE,
                broker.await(replies, OutboundMessage.class, m -> user.whatsapp().equals(m.to()), WITHIN).body());
    }
}
