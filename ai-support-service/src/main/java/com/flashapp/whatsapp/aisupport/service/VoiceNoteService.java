package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.client.MapleClient;
import com.flashapp.whatsapp.aisupport.client.TwilioMediaClient;
import com.flashapp.whatsapp.aisupport.client.TwilioMediaClient.Download;
import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.voice.OggOpusDuration;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.VoiceNoteRequest;
import com.flashapp.whatsapp.messaging.Publisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * Voice notes in: downloads the note from Twilio, checks its size and length, transcribes it through Maple, and hands
 * the transcript back to command-service as the text the user would have typed ({@code whatsapp.inbound},
 * {@code message.voice}); or, when the note cannot be understood, asks the user to type. The audio lives only in
 * memory for this call and is deleted at Twilio afterwards, whatever the outcome; the transcript is neither stored
 * nor logged here (as typed text, it is redacted before any chat prompt and kept only as ai-support's memory rules
 * say, if it becomes a question).
 */
@ApplicationScoped
public class VoiceNoteService {

    static final String TOO_LONG = "🎙️ That voice note is longer than I can listen to (up to %s). Please send a "
            + "shorter one, or type your message.";
    static final String NOT_VOICE = "🎙️ I can only listen to voice notes. Please type your message instead.";
    static final String NOT_FETCHED = "🎙️ I couldn't get your voice note just now. Please type your message "
            + "instead, or send the note again in a minute.";
    static final String CANT_LISTEN = "🎙️ I can't listen to voice notes right now. Please type your message "
            + "instead.";
    static final String NOT_UNDERSTOOD = "🎙️ I couldn't make out anything in that voice note. Please type your "
            + "message instead, or try again somewhere quieter.";

    private final TwilioMediaClient media;
    private final MapleClient maple;
    private final Publisher publisher;
    private final SupportConfig config;
    private final MeterRegistry registry;

    public VoiceNoteService(TwilioMediaClient media, MapleClient maple, Publisher publisher, SupportConfig config,
                            MeterRegistry registry) {
        this.media = media;
        this.maple = maple;
        this.publisher = publisher;
        this.config = config;
        this.registry = registry;
    }

    /** Handles one voice note, once (the inbox drops a redelivery that was already handled). */
    public Uni<Void> transcribe(VoiceNoteRequest note) {
        var id = note.envelope().messageId();
        var type = note.contentType() == null ? "" : note.contentType().toLowerCase(Locale.ROOT).split(";")[0].strip();
        if (!config.voice().contentTypes().contains(type)) {
            return refuse(note, "unsupported-type", NOT_VOICE);
        }
        if (!media.isTwilioMedia(note.mediaUrl())) {
            // never send our Twilio credentials to a host a message names
            Log.warnf("Voice note %s: media URL is not our Twilio account's; not downloaded", id);
            return refuse(note, "foreign-url", NOT_FETCHED);
        }
        return media.download(note.mediaUrl())
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("Voice note %s: download failed (%s)", id, failure.toString());
                    return null;
                })
                .flatMap(download -> handle(note, type, download))
                // the audio is not kept anywhere: Twilio's copy goes too, once the note has been answered
                .call(() -> media.delete(note.mediaUrl())
                        .onFailure().recoverWithItem(failure -> false)
                        .invoke(deleted -> {
                            if (!deleted) {
                                Log.warnf("Voice note %s: could not delete the media at Twilio", id);
                            }
                        }));
    }

    private Uni<Void> handle(VoiceNoteRequest note, String type, Download download) {
        if (download == null || download instanceof Download.Gone) {
            return refuse(note, "not-fetched", NOT_FETCHED);
        }
        if (download instanceof Download.TooLarge) {
            return refuse(note, "too-large", TOO_LONG.formatted(minutes()));
        }
        var audio = ((Download.Audio) download).bytes();
        if (audio.length == 0) {
            return refuse(note, "empty", NOT_UNDERSTOOD);
        }
        var length = OggOpusDuration.of(audio);
        if (length.isPresent() && length.get().compareTo(config.voice().maxDuration()) > 0) {
            return refuse(note, "too-long", TOO_LONG.formatted(minutes()));
        }
        return maple.transcribe(audio, type)
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("Voice note %s: transcription unavailable (%s)", note.envelope().messageId(),
                            failure.getClass().getSimpleName());
                    return null;
                })
                .flatMap(text -> {
                    if (text == null) {
                        return refuse(note, "maple-unavailable", CANT_LISTEN);
                    }
                    var transcript = clean(text);
                    if (transcript.isEmpty()) {
                        return refuse(note, "not-understood", NOT_UNDERSTOOD);
                    }
                    return understood(note, transcript);
                });
    }

    /** The transcript, as the gateway would have normalised the same words typed. */
    private Uni<Void> understood(VoiceNoteRequest note, String transcript) {
        var max = config.voice().maxTranscriptChars();
        var truncated = transcript.length() > max;
        var body = truncated ? transcript.substring(0, max) : transcript;
        var said = new InboundMessage(note.envelope().follow(RoutingKeys.Inbound.VOICE), note.messageSid(),
                note.whatsapp(), note.phone(), note.profileName(), body, truncated, List.of(), null, null, null,
                null, note.receivedAt());
        count("transcribed");
        Log.infof("Voice note %s transcribed (%d characters)", note.envelope().messageId(), body.length());
        return publisher.publish(Exchanges.WHATSAPP_INBOUND, said);
    }

    private Uni<Void> refuse(VoiceNoteRequest note, String reason, String text) {
        count(reason);
        Log.infof("Voice note %s not transcribed: %s", note.envelope().messageId(), reason);
        var reply = new OutboundMessage(note.envelope().follow(RoutingKeys.Outbound.REPLY), note.whatsapp(), text,
                List.of(), List.of(), null, null, note.envelope().occurredAt());
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply);
    }

    static String clean(String text) {
        var normalised = Normalizer.normalize(text, Normalizer.Form.NFC)
                .replaceAll("[\\p{Cc}\\p{Cf}&&[^\\u200d]]", " ")
                .replaceAll("\\s+", " ")
                .strip();
        // Whisper's habit on silence: only punctuation or an ellipsis
        return normalised.replaceAll("[\\p{Punct}…\\s]", "").isEmpty() ? "" : normalised;
    }

    private String minutes() {
        var seconds = config.voice().maxDuration().toSeconds();
        return seconds % 60 == 0 ? (seconds / 60) + (seconds == 60 ? " minute" : " minutes") : seconds + " seconds";
    }

    private void count(String outcome) {
        registry.counter("support_voice_notes_total", "outcome", outcome).increment();
    }
}
