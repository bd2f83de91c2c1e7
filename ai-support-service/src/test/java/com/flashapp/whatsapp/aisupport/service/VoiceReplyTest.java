package com.flashapp.whatsapp.aisupport.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.aisupport.support.MapleStub;
import com.flashapp.whatsapp.aisupport.support.TestOgg;
import com.flashapp.whatsapp.aisupport.support.TestUsers;
import com.flashapp.whatsapp.aisupport.voice.VoicePreferences;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SpeechRequest;
import com.flashapp.whatsapp.contracts.support.VoicePreferenceUpdate;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Voice replies ("voice on"), against the real broker and Redis, with WireMock as Maple's chat and speech: speech is
 * asked for only when the user turned voice on; the text goes out first and alone; the audio is handed to the
 * gateway (gateway.media) and linked by a signed, short-lived URL; a speech failure keeps the text answer.
 */
@QuarkusTest
@QuarkusTestResource(MapleStub.class)
class VoiceReplyTest {

    private static final String SPEECH = "/v1/audio/speech";
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final String SIGNING_KEY = "dev-media-signing-key-not-secret";
    private static final Pattern SIGNED = Pattern.compile(
            "http://localhost:8080/media/([A-Za-z0-9_-]{22})\\?exp=(\\d+)&sig=([A-Za-z0-9_-]+)");

    @Inject
    IncomingMessageHandler handler;

    @Inject
    VoicePreferences preferences;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    ObjectMapper mapper;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    BrokerProbe broker;
    String replies;
    String media;
    byte[] ogg;

    @BeforeEach
    void setUp() {
        breakers.resetAll();
        broker = new BrokerProbe();
        replies = broker.listen(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
        media = broker.listen(Exchanges.GATEWAY_MEDIA, RoutingKeys.Media.STORE);
        ogg = TestOgg.opus(2.0);
    }

    @AfterEach
    void tearDown() {
        broker.close();
        breakers.resetAll();
    }

    /** Chat answers {@code answer}; speech answers {@code ogg} (or the given status). */
    private void maple(String answer, int speechStatus) {
        MapleStub.answerWith(answer);
        MapleStub.server().stubFor(post(urlEqualTo(SPEECH)).willReturn(speechStatus == 200
                ? aResponse().withStatus(200).withHeader("Content-Type", "audio/ogg").withBody(ogg)
                : aResponse().withStatus(speechStatus).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\": \"tts down\"}")));
    }

    private static List<LoggedRequest> speechCalls(String containing) {
        return MapleStub.server().findAll(WireMock.postRequestedFor(urlEqualTo(SPEECH))).stream()
                .filter(r -> r.getBodyAsString().contains(containing)).toList();
    }

    private void voice(TestUsers.User user, Boolean on) {
        handler.handle(new VoicePreferenceUpdate(Envelope.create(RoutingKeys.Support.VOICE_PREFERENCE,
                "SM" + UUID.randomUUID(), user.userRef()), user.whatsapp(), on)).await().atMost(WITHIN);
    }

    private OutboundMessage replyTo(TestUsers.User user, java.util.function.Predicate<OutboundMessage> filter) {
        return broker.await(replies, OutboundMessage.class, m -> user.whatsapp().equals(m.to()) && filter.test(m),
                WITHIN);
    }

    @Test
    void voiceIsOffByDefaultAndAnAnswerIsThenNeverSpoken() {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        maple("Send *balance* to see it " + tag, 200);

        handler.handle(TestUsers.question(user, "what is my balance " + tag)).await().atMost(WITHIN);

        var text = replyTo(user, m -> m.body().contains(tag));
        assertTrue(text.mediaUrls().isEmpty());
        // the handler has finished: had it spoken, the call would be recorded by now
        assertEquals(0, speechCalls(tag).size());
    }

    @Test
    void voiceOnSendsTheTextFirstThenTheAnswerAsOggAtASignedShortLivedGatewayUrl() throws Exception {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        maple("Type *send 10 to @cousin* and confirm with YES 🙂 " + tag, 200);

        voice(user, true);
        var confirmation = replyTo(user, m -> m.body().contains("Voice replies are *on*"));
        assertEquals(List.of("voice off"), confirmation.quickReplies().stream().map(QuickReply::payload).toList());

        var question = TestUsers.question(user, "how do I send money " + tag);
        var asked = Instant.now();
        handler.handle(question).await().atMost(WITHIN);

        var text = replyTo(user, m -> m.body().contains(tag));
        assertTrue(text.mediaUrls().isEmpty(), "the text answer goes alone");
        assertTrue(text.body().contains("Was this helpful?"));
        var audio = replyTo(user, m -> !m.mediaUrls().isEmpty());
        assertEquals(question.envelope().correlationId(), audio.envelope().correlationId());
        assertEquals("", audio.body());
        assertEquals(1, audio.mediaUrls().size());

        // Maple was asked for Ogg/Opus of the answer as it is read aloud: no formatting marks, no emoji, no feedback prompt
        var call = speechCalls(tag);
        assertEquals(1, call.size());
        var json = mapper.readTree(call.get(0).getBodyAsString());
        assertEquals("tts-1", json.get("model").asText());
        assertEquals("alloy", json.get("voice").asText());
        assertEquals("opus", json.get("response_format").asText());
        assertEquals("Type send 10 to @cousin and confirm with YES " + tag, json.get("input").asText());
        assertEquals("Bearer sandbox-maple-key", call.get(0).getHeader("Authorization"));

        // the audio went to the gateway, published before the reply that links it, under the URL's id
        var url = SIGNED.matcher(audio.mediaUrls().get(0));
        assertTrue(url.matches(), audio.mediaUrls().get(0));
        var stored = broker.await(media, MediaStoreRequest.class, r -> r.mediaId().equals(url.group(1)), WITHIN);
        assertEquals("audio/ogg", stored.contentType());
        assertArrayEquals(ogg, Base64.getDecoder().decode(stored.dataBase64()));
        assertEquals(user.userRef(), stored.envelope().userRef());
        long exp = Long.parseLong(url.group(2));
        assertEquals(stored.expiresAt().getEpochSecond(), exp);
        assertEquals(com.flashapp.whatsapp.contracts.media.MediaUrls.signature(SIGNING_KEY, url.group(1), exp), url.group(3));
        // kept only as long as Twilio needs to fetch it: app.support.media.ttl (10 minutes)
        assertTrue(stored.expiresAt().isAfter(asked.plus(Duration.ofMinutes(9))));
        assertFalse(stored.expiresAt().isAfter(Instant.now().plus(Duration.ofMinutes(10))));
    }

    @Test
    void aSpeechFailureKeepsTheTextAnswerAndSendsNoVoiceNote() {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        maple("Your balance is under *balance* " + tag, 500);
        voice(user, true);

        // the handler completes normally: nothing to redeliver, nothing lost
        handler.handle(TestUsers.question(user, "balance please " + tag)).await().atMost(WITHIN);

        var text = replyTo(user, m -> m.body().contains(tag));
        assertTrue(text.body().startsWith("Your balance is under *balance* " + tag));
        assertEquals(1, speechCalls(tag).size());
        assertFalse(broker.arrives(replies, OutboundMessage.class,
                m -> user.whatsapp().equals(m.to()) && !m.mediaUrls().isEmpty(), Duration.ofSeconds(2)));
    }

    @Test
    void anAnswerThatIsNotOggIsAFailureNotAVoiceNote() {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        MapleStub.answerWith("An answer " + tag);
        MapleStub.server().stubFor(post(urlEqualTo(SPEECH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "audio/mpeg").withBody(new byte[] {'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0,
                        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})));
        voice(user, true);

        handler.handle(TestUsers.question(user, "a question " + tag)).await().atMost(WITHIN);

        replyTo(user, m -> m.body().contains(tag));
        assertFalse(broker.arrives(replies, OutboundMessage.class,
                m -> user.whatsapp().equals(m.to()) && !m.mediaUrls().isEmpty(), Duration.ofSeconds(2)));
    }

    @Test
    void aHelpTextIsSpokenOnlyForAUserWithVoiceOn() throws Exception {
        var off = TestUsers.newUser();
        var on = TestUsers.newUser();
        var tag = TestUsers.tag();
        maple("unused", 200);
        voice(on, true);
        var help = "*Help* 👋\n• *balance* – your balance " + tag;

        handler.handle(new SpeechRequest(Envelope.create(RoutingKeys.Support.SPEECH, "SM" + UUID.randomUUID(),
                off.userRef()), off.whatsapp(), help)).await().atMost(WITHIN);
        assertEquals(0, speechCalls(tag).size());

        handler.handle(new SpeechRequest(Envelope.create(RoutingKeys.Support.SPEECH, "SM" + UUID.randomUUID(),
                on.userRef()), on.whatsapp(), help)).await().atMost(WITHIN);
        var audio = replyTo(on, m -> !m.mediaUrls().isEmpty());
        assertTrue(SIGNED.matcher(audio.mediaUrls().get(0)).matches());
        assertEquals("Help\nbalance – your balance " + tag,
                mapper.readTree(speechCalls(tag).get(0).getBodyAsString()).get("input").asText());
    }

    @Test
    void voiceOffStopsSpeechAndVoiceAloneTellsTheSetting() {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        maple("An answer " + tag, 200);

        voice(user, null);
        replyTo(user, m -> m.body().contains("Voice replies are off"));
        voice(user, true);
        voice(user, null);
        replyTo(user, m -> m.body().contains("Voice replies are on"));
        voice(user, false);
        var off = replyTo(user, m -> m.body().contains("Voice replies are *off*"));
        assertEquals(List.of("voice on"), off.quickReplies().stream().map(QuickReply::payload).toList());

        handler.handle(TestUsers.question(user, "a question " + tag)).await().atMost(WITHIN);
        replyTo(user, m -> m.body().contains(tag));
        assertEquals(0, speechCalls(tag).size());
    }

    @Test
    void voiceOnExpiresLikeEveryRedisKeyAndDeleteMyDataForgetsIt() {
        var user = TestUsers.newUser();
        voice(user, true);
        assertTrue(preferences.isOn(user.userRef()).await().atMost(WITHIN));
        // 180 days after its last use (reading it for an answer sets the expiry again), then off, the default
        var ttl = redis.key().pttl("aisupport:voice:" + user.userRef());
        assertTrue(ttl > Duration.ofDays(179).toMillis() && ttl <= Duration.ofDays(180).toMillis(), "ttl " + ttl);

        handler.handle(new UserErasureRequested(Envelope.create(RoutingKeys.User.ERASURE_REQUESTED, "SM1",
                user.userRef()), user.whatsapp())).await().atMost(WITHIN);

        assertFalse(preferences.isOn(user.userRef()).await().atMost(WITHIN));
    }

    @Test
    void whatIsReadAloudHasNoMarksEmojiOrBulletsAndStopsAtASentenceEnd() {
        assertEquals("Send balance to see it.\nsend – money", VoiceReplyService.speakable(
                "Send *balance* to see it. 🙂\n\n• _send_ – money", 700));
        assertEquals("One sentence here.", VoiceReplyService.speakable("One sentence here. Another one follows", 30));
        assertEquals("", VoiceReplyService.speakable("👍 👎", 700));
    }
}
