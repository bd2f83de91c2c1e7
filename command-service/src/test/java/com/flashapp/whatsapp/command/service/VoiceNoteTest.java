package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.VoiceNoteRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Voice notes through the engine, against the real broker, Redis and PostgreSQL: a note goes to ai-support to be
 * transcribed (an open prompt waits for it), and its words come back as {@code message.voice}, shown as "🎙️ I heard"
 * and handled exactly as typed.
 */
@QuarkusTest
class VoiceNoteTest extends NewUserEngineTest {

    static final String MEDIA_URL = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000"
            + "/Messages/MM1/Media/ME1";

    /** A voice note as the gateway delivers it: media only, {@code audio/ogg}. */
    private InboundMessage voiceNote() {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var inbound = new InboundMessage(Envelope.create(RoutingKeys.Inbound.MEDIA, sid, userRef), sid,
                "whatsapp:" + phone, phone, "Test User", "", false,
                List.of(new InboundMessage.Media("audio/ogg", MEDIA_URL)), null, null, null, null, Instant.now());
        broker.publish(Exchanges.WHATSAPP_INBOUND, inbound);
        return inbound;
    }

    /** What ai-support publishes once it has transcribed {@code note}: the words, as {@code message.voice}. */
    private InboundMessage said(InboundMessage note, String words) {
        var transcript = new InboundMessage(Envelope.create(RoutingKeys.Inbound.VOICE, note.messageSid(), userRef),
                note.messageSid(), note.from(), note.phone(), note.profileName(), words, false, List.of(), null, null,
                null, null, note.receivedAt());
        broker.publish(Exchanges.WHATSAPP_INBOUND, transcript);
        return transcript;
    }

    private String expect(String kind, String owner, String context) {
        var id = "exp-" + UUID.randomUUID();
        broker.publish(Exchanges.CONVERSATION_EXPECT, new ConversationExpectation(
                Envelope.create(kind, "test", userRef), id, owner, context, List.of(),
                Instant.now().plus(Duration.ofMinutes(5))));
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var stored = expectations.find(userRef).await().indefinitely();
            return stored != null && id.equals(stored.expectationId());
        });
        return id;
    }

    private OutboundMessage heard(InboundMessage note) {
        return (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, note,
                s -> ((OutboundMessage) s.message()).body().startsWith("🎙️ I heard")).message();
    }

    @Test
    void aVoiceNoteIsSentToAiSupportForTranscription() {
        var note = voiceNote();

        var seen = broker.await(Exchanges.SUPPORT_REQUESTS, note,
                s -> s.routingKey().equals(RoutingKeys.Support.VOICE_TRANSCRIBE));
        var request = assertInstanceOf(VoiceNoteRequest.class, seen.message());
        assertEquals(MEDIA_URL, request.mediaUrl());
        assertEquals("audio/ogg", request.contentType());
        assertEquals("whatsapp:" + phone, request.whatsapp());
        assertEquals(phone, request.phone());
        assertEquals(note.messageSid(), request.messageSid());
        assertEquals(userRef, request.envelope().userRef());
        assertEquals(note.messageSid(), request.envelope().correlationId());
        // a first-time user is welcomed, and is never told "I can only read text"
        var replies = broker.all(Exchanges.WHATSAPP_OUTBOUND, note.messageSid()).stream()
                .map(s -> ((OutboundMessage) s.message()).body()).toList();
        assertTrue(replies.stream().noneMatch(b -> b.contains("only read text")), replies.toString());
    }

    @Test
    void aSpokenBalanceIsShownAsHeardThenHandledAsTyped() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "voice_" + userRef.substring(userRef.length() - 10));
        var note = voiceNote();
        broker.await(Exchanges.SUPPORT_REQUESTS, note, s -> s.message() instanceof VoiceNoteRequest);

        said(note, "balance");

        assertEquals("🎙️ I heard: “balance”", heard(note).body());
        var request = broker.await(Exchanges.WALLET_REQUESTS, note, s -> s.message() instanceof BalanceRequest);
        assertEquals("whatsapp:" + phone, ((BalanceRequest) request.message()).whatsapp());
    }

    @Test
    void aSpokenCodeAnswersTheOpenCodePrompt() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "voice_" + userRef.substring(userRef.length() - 10));
        var expectationId = expect(RoutingKeys.Expect.CODE, Exchanges.WALLET_REQUESTS, "mfa:send");
        var note = voiceNote();
        broker.await(Exchanges.SUPPORT_REQUESTS, note, s -> s.message() instanceof VoiceNoteRequest);
        // the note itself did not cancel the prompt: its words will answer it
        assertNotNull(expectations.find(userRef).await().indefinitely());
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, note.messageSid()).stream()
                .noneMatch(s -> ((OutboundMessage) s.message()).body().contains("cancelled")));

        said(note, "482913");

        heard(note);
        var answer = (ConfirmationAnswer) broker.await(Exchanges.WALLET_REQUESTS, note,
                s -> s.message() instanceof ConfirmationAnswer).message();
        assertEquals(expectationId, answer.expectationId());
        assertEquals("482913", answer.answer());
        assertEquals("mfa:send", answer.context());
    }

    @Test
    void aSpokenSendGoesToBalanceServiceLikeATypedOneForItsConfirmationCard() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "voice_" + userRef.substring(userRef.length() - 10));
        var note = voiceNote();
        broker.await(Exchanges.SUPPORT_REQUESTS, note, s -> s.message() instanceof VoiceNoteRequest);

        said(note, "send 5 usd to @bob");

        assertEquals("🎙️ I heard: “send 5 usd to @bob”", heard(note).body());
        // the same request a typed send makes: balance-service answers it with the confirmation card (and MFA)
        var send = (PaymentSendRequest) broker.await(Exchanges.WALLET_REQUESTS, note,
                s -> s.message() instanceof PaymentSendRequest).message();
        assertEquals("bob", send.to().value());
    }

    @Test
    void aPictureStillGetsTheTextOnlyAnswer() {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var picture = new InboundMessage(Envelope.create(RoutingKeys.Inbound.MEDIA, sid, userRef), sid,
                "whatsapp:" + phone, phone, "Test User", "", false,
                List.of(new InboundMessage.Media("image/jpeg", MEDIA_URL)), null, null, null, null, Instant.now());
        broker.publish(Exchanges.WHATSAPP_INBOUND, picture);

        broker.await(Exchanges.WHATSAPP_OUTBOUND, picture,
                s -> ((OutboundMessage) s.message()).body().contains("voice notes"));
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, sid).isEmpty());
    }

    @Test
    void longWordsAreShownCutButHandledWhole() {
        var words = "word ".repeat(100).strip();
        var shown = ConversationService.heard(words);
        assertTrue(shown.endsWith("…”") && shown.length() < words.length(), shown);
        assertEquals("🎙️ I heard: “hi”", ConversationService.heard("hi"));
    }
}
