package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.client.MapleClient;
import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.media.GatewayMedia;
import com.flashapp.whatsapp.aisupport.voice.VoicePreferences;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SpeechRequest;
import com.flashapp.whatsapp.contracts.support.VoicePreferenceUpdate;
import com.flashapp.whatsapp.messaging.Publisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Voice replies ("voice on"): the user's preference, and the spoken copy of AI answers and help texts. The text is
 * always sent first and on its own; the voice note follows as a second message whose audio (Ogg/Opus from Maple's
 * {@code /v1/audio/speech}) the gateway serves at a short-lived signed URL. Speech that fails (Maple down, time-out,
 * open breaker, the broker refusing the audio) is logged and counted, never retried and never turns into an error:
 * the user already has the text.
 */
@ApplicationScoped
public class VoiceReplyService {

    public static final String AUDIO_OGG = "audio/ogg";
    static final String ON = "🔊 Voice replies are *on*: my answers and help come as a voice note too, with the text. "
            + "Send *voice off* to stop.";
    static final String OFF = "🔇 Voice replies are *off*: I answer in text only. Send *voice on* to hear my answers.";
    static final String STATUS_ON = "🔊 Voice replies are on. Send *voice off* to stop them.";
    static final String STATUS_OFF = "🔇 Voice replies are off. Send *voice on* to get my answers as a voice note too.";

    // WhatsApp formatting marks, list bullets and emoji are not read aloud
    private static final Pattern MARKS = Pattern.compile("[*_~`]");
    private static final Pattern EMOJI = Pattern.compile("[\\p{So}\\p{Cn}\\x{FE0F}\\x{200D}]|[\\x{1F3FB}-\\x{1F3FF}]");
    private static final Pattern BULLET = Pattern.compile("(?m)^\\s*[•·-]\\s*");
    private static final Pattern SPACES = Pattern.compile("[ \\t]+");

    private final VoicePreferences preferences;
    private final MapleClient maple;
    private final GatewayMedia media;
    private final Publisher publisher;
    private final SupportConfig config;
    private final MeterRegistry registry;

    public VoiceReplyService(VoicePreferences preferences, MapleClient maple, GatewayMedia media,
                             Publisher publisher, SupportConfig config, MeterRegistry registry) {
        this.preferences = preferences;
        this.maple = maple;
        this.media = media;
        this.publisher = publisher;
        this.config = config;
        this.registry = registry;
    }

    /** "voice on" / "voice off" / "voice": store the choice (if any) and tell the user. */
    public Uni<Void> update(VoicePreferenceUpdate update) {
        var userRef = update.envelope().userRef();
        Uni<Boolean> nowOn = update.enabled() == null ? preferences.isOn(userRef)
                : preferences.set(userRef, update.enabled()).replaceWith(update.enabled());
        return nowOn.flatMap(on -> {
            Log.infof("Voice replies of %s: %s%s", userRef, on ? "on" : "off", update.enabled() == null ? " (asked)" : "");
            var body = update.enabled() == null ? (on ? STATUS_ON : STATUS_OFF) : (on ? ON : OFF);
            var toggle = on ? new QuickReply("voice off", "Voice off") : new QuickReply("voice on", "Voice on");
            return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(
                    update.envelope().follow(RoutingKeys.Outbound.REPLY), update.whatsapp(), body, List.of(),
                    List.of(toggle), null, null, update.envelope().occurredAt()));
        });
    }

    /** A help text command-service sent: spoken too if the user has voice replies on. */
    public Uni<Void> speak(SpeechRequest request) {
        return speakIfOn(request.envelope(), request.whatsapp(), request.text());
    }

    /**
     * Sends {@code text} as a voice note if the user has voice replies on; completes normally whatever happens to
     * the speech (the text reply has been published before this is called).
     */
    public Uni<Void> speakIfOn(Envelope flow, String whatsapp, String text) {
        var userRef = flow.userRef();
        return preferences.isOn(userRef)
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("Voice preference of %s unreadable (%s): text only", userRef,
                            failure.getClass().getSimpleName());
                    return false;
                })
                .flatMap(on -> {
                    if (!on) {
                        return Uni.createFrom().voidItem();
                    }
                    var spoken = speakable(text, config.voice().speechMaxChars());
                    if (spoken.isEmpty()) {
                        count("empty");
                        return Uni.createFrom().voidItem();
                    }
                    return maple.speak(spoken)
                            .flatMap(audio -> media.store(flow, AUDIO_OGG, audio))
                            .flatMap(url -> publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(
                                    flow.follow(RoutingKeys.Outbound.REPLY), whatsapp, "", List.of(url), List.of(),
                                    null, null, flow.occurredAt())))
                            .invoke(() -> {
                                count("sent");
                                Log.infof("Voice reply for %s sent (%d characters spoken)", userRef, spoken.length());
                            })
                            .onFailure().recoverWithUni(failure -> {
                                count("failed");
                                Log.warnf("Voice reply for %s not made (%s); the text was sent", userRef,
                                        failure.getClass().getSimpleName());
                                return Uni.createFrom().voidItem();
                            });
                });
    }

    /** What is read aloud: the text without WhatsApp marks, emoji and bullets, cut at a sentence end. */
    static String speakable(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        var plain = MARKS.matcher(text).replaceAll("");
        plain = EMOJI.matcher(plain).replaceAll("");
        plain = BULLET.matcher(plain).replaceAll("");
        plain = SPACES.matcher(plain).replaceAll(" ");
        plain = plain.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + "\n" + b).orElse("");
        if (plain.length() <= maxChars) {
            return plain;
        }
        var cut = plain.substring(0, maxChars);
        var end = Math.max(cut.lastIndexOf(". "), Math.max(cut.lastIndexOf("! "), Math.max(cut.lastIndexOf("? "),
                cut.lastIndexOf('\n'))));
        return end > maxChars / 2 ? cut.substring(0, end + 1).strip() : cut.strip();
    }

    private void count(String outcome) {
        registry.counter("support.voice.replies", "outcome", outcome).increment();
    }
}
