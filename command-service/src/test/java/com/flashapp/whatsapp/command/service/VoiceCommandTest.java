package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SpeechRequest;
import com.flashapp.whatsapp.contracts.support.VoicePreferenceUpdate;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "voice on" / "voice off" and spoken help (issue 21, Out): command-service parses the command and hands it to
 * ai-support-service, which owns the voice-reply preference; once a user has asked for voice, every help text it
 * sends them is also offered to ai-support to be spoken, after the text.
 */
@QuarkusTest
class VoiceCommandTest extends NewUserEngineTest {

    private VoicePreferenceUpdate preference(String text) {
        var inbound = broker.send(userRef, phone, text);
        var seen = broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                s -> RoutingKeys.Support.VOICE_PREFERENCE.equals(s.routingKey()));
        var update = assertInstanceOf(VoicePreferenceUpdate.class, seen.message());
        assertEquals("whatsapp:" + phone, update.whatsapp());
        assertEquals(userRef, update.envelope().userRef());
        return update;
    }

    @Test
    void voiceOnOffAndVoiceAloneGoToAiSupportWhichOwnsThePreference() {
        assertEquals(Boolean.TRUE, preference("voice on").enabled());
        assertEquals(Boolean.FALSE, preference("Voice OFF").enabled());
        assertNull(preference("voice").enabled(), "voice alone asks for the setting");
        assertEquals(Boolean.TRUE, preference("voz si").enabled());
    }

    @Test
    void anUnknownVoiceOptionIsAnsweredWithWhatVoiceUnderstands() {
        var inbound = broker.send(userRef, phone, "voice loud");
        var reply = broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> s.message() instanceof OutboundMessage m && m.body().contains("voice understands"));
        assertTrue(((OutboundMessage) reply.message()).body().contains("`voice on`"));
        broker.flush();
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, inbound.messageSid()).stream()
                .noneMatch(s -> s.message() instanceof VoicePreferenceUpdate));
    }

    @Test
    void aHelpTextIsOfferedToAiSupportToBeSpokenOnlyOnceTheUserAskedForVoice() {
        broker.send(userRef, phone, "price"); // the first message gets the welcome; this test is about help itself
        var before = broker.send(userRef, phone, "help");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, before,
                s -> s.message() instanceof OutboundMessage m && m.body().startsWith("Here's what you can do"));
        broker.flush();
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, before.messageSid()).stream()
                .noneMatch(s -> s.message() instanceof SpeechRequest), "voice is off unless asked for: no speech");

        preference("voice on");
        var inbound = broker.send(userRef, phone, "help");
        var text = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> s.message() instanceof OutboundMessage m && m.body().startsWith("Here's what you can do")).message();
        var speech = assertInstanceOf(SpeechRequest.class, broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                s -> RoutingKeys.Support.SPEECH.equals(s.routingKey())).message());
        assertEquals(text.body(), speech.text());
        assertEquals("whatsapp:" + phone, speech.whatsapp());
        assertEquals(userRef, speech.envelope().userRef());

        // "voice off" is ai-support's to apply: help is still offered, and ai-support drops it
        preference("voice off");
        var topic = broker.send(userRef, phone, "help payments");
        var topicText = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, topic,
                s -> s.message() instanceof OutboundMessage).message();
        var topicSpeech = assertInstanceOf(SpeechRequest.class, broker.await(Exchanges.SUPPORT_REQUESTS, topic,
                s -> RoutingKeys.Support.SPEECH.equals(s.routingKey())).message());
        assertEquals(topicText.body(), topicSpeech.text());
    }

    @Test
    void theVoiceCommandIsInTheHelpForSupport() {
        broker.send(userRef, phone, "price");
        var inbound = broker.send(userRef, phone, "help voice");
        var reply = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> s.message() instanceof OutboundMessage).message();
        assertTrue(reply.body().contains("voice on"), reply.body());
    }
}
