package com.flashapp.whatsapp.contracts.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * "voice on" / "voice off" / "voice" ({@code support.requests}, {@code voice.preference}; command → ai-support).
 *
 * <p>ai-support-service owns the per-user voice-reply preference (default off): it is the only service that makes
 * speech, and the one that answers AI questions. It stores the choice and answers the user itself.
 *
 * @param envelope correlation id = the inbound {@code MessageSid}; userRef = the user's
 * @param whatsapp the user's address, {@code whatsapp:+E164} (for the confirmation)
 * @param enabled  true = voice on, false = voice off, null = only tell the user the current setting
 */
public record VoicePreferenceUpdate(
        Envelope envelope,
        String whatsapp,
        Boolean enabled) implements ContractMessage {
}
