package com.flashapp.whatsapp.contracts.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.time.Instant;

/**
 * A voice note to transcribe ({@code support.requests}, {@code voice.transcribe}; command → ai-support).
 *
 * <p>The flow stays one way: command-service forwards the gateway's {@code message.media} (an audio attachment)
 * here and moves on; ai-support-service, the only caller of Maple, downloads the audio from Twilio's media URL
 * (HTTP Basic auth), transcribes it, deletes it at Twilio, keeps nothing, and publishes the transcript back on
 * {@code whatsapp.inbound} as an {@code InboundMessage} with routing key {@code message.voice} (body = what the user
 * said), which command-service handles exactly as typed text after "🎙️ I heard: …". A note that cannot be
 * understood (too long, too large, Maple down, nothing said) is answered by ai-support itself, asking the user to
 * type. The inbound's identity travels along so the transcript can stand in for the message the user would have
 * typed.
 *
 * @param envelope    correlation id = the voice note's {@code MessageSid}; userRef = the sender's
 * @param whatsapp    the sender's address, {@code whatsapp:+E164} (to answer a failure, and for the transcript)
 * @param phone       the sender's number in E.164 (command-service needs it again for admin checks)
 * @param profileName the WhatsApp profile name, if any
 * @param messageSid  Twilio's {@code MessageSid} of the voice note
 * @param mediaUrl    Twilio's {@code MediaUrl0}: downloaded with Basic auth, then deleted
 * @param contentType Twilio's {@code MediaContentType0}, e.g. {@code audio/ogg}
 * @param receivedAt  when the gateway accepted the webhook
 */
public record VoiceNoteRequest(
        Envelope envelope,
        String whatsapp,
        String phone,
        String profileName,
        String messageSid,
        String mediaUrl,
        String contentType,
        Instant receivedAt) implements ContractMessage {
}
