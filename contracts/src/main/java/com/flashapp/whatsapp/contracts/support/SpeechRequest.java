package com.flashapp.whatsapp.contracts.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * A text command-service already sent the user (a help text) that should also be spoken, if the user has voice
 * replies on ({@code support.requests}, {@code speech}; command → ai-support).
 *
 * <p>command-service does not know the preference (ai-support-service owns it): it sends this for every help text
 * and ai-support drops it when voice is off. When on, ai-support synthesises the text through Maple and sends a
 * second message with the audio only (the text went out already and is never held back by speech).
 *
 * @param envelope correlation id = the inbound {@code MessageSid}; userRef = the user's
 * @param whatsapp the user's address, {@code whatsapp:+E164}
 * @param text     what was sent as text (WhatsApp formatting is removed before synthesis)
 */
public record SpeechRequest(
        Envelope envelope,
        String whatsapp,
        String text) implements ContractMessage {
}
