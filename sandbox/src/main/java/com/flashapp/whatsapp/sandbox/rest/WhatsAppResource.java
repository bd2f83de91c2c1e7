package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import com.flashapp.whatsapp.sandbox.twilio.TwilioSimulator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.List;
import java.util.Map;

/** Simulated WhatsApp users: their messages go to the gateway as Twilio would deliver them. */
@Path("/sandbox/whatsapp")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WhatsAppResource {

    /**
     * Body of POST /sandbox/whatsapp/messages; {@code from} is E.164 without the whatsapp: prefix. With {@code voice}
     * (what the user says) the message is a voice note instead of text: an Ogg/Opus file of {@code voiceSeconds}
     * (default: about 0.4 s a word, at least 1 s) that the Maple stand-in transcribes back to {@code voice}. With
     * {@code contact} the user shares a contact card: a {@code text/vcard} media message, like WhatsApp's.
     */
    public record UserMessage(String from, String body, String profileName, String buttonPayload, String buttonText,
                              String voice, Double voiceSeconds, Contact contact) {
    }

    /** A shared contact: its name and E.164 number. */
    public record Contact(String name, String phone) {
    }

    private static final java.util.regex.Pattern E164 = java.util.regex.Pattern.compile("\\+[1-9]\\d{7,14}");

    /** Longest sandbox voice note accepted (WhatsApp itself allows long notes; the product refuses long ones). */
    static final double MAX_VOICE_SECONDS = 3600;

    private final TwilioSimulator simulator;
    private final SandboxConfig config;

    public WhatsAppResource(TwilioSimulator simulator, SandboxConfig config) {
        this.simulator = simulator;
        this.config = config;
    }

    @POST
    @Path("/messages")
    public Uni<Map<String, Object>> send(UserMessage message, @Context UriInfo uri) {
        if (message == null) {
            throw new IllegalArgumentException("body required: {from, body, profileName?, buttonPayload?} or "
                    + "{from, voice, voiceSeconds?} or {from, contact: {name, phone}}");
        }
        if (message.contact() != null) {
            var contact = message.contact();
            if (contact.name() == null || contact.name().isBlank() || contact.name().length() > 100) {
                throw new IllegalArgumentException("contact.name is required, at most 100 characters");
            }
            if (contact.phone() == null || !E164.matcher(contact.phone()).matches()) {
                throw new IllegalArgumentException("contact.phone must be an E.164 number, e.g. +18765550123");
            }
            var base = config.twilio().mediaBaseUrl().orElse(uri.getBaseUri().toString());
            return simulator.receiveContact(message.from(), contact.name().strip(), contact.phone(),
                    message.profileName(), base);
        }
        if (message.voice() != null) {
            if (message.voice().length() > 4000) {
                throw new IllegalArgumentException("voice must be at most 4000 characters");
            }
            var seconds = message.voiceSeconds() == null
                    ? Math.max(1.0, 0.4 * message.voice().strip().split("\\s+").length) : message.voiceSeconds();
            if (!(seconds > 0) || seconds > MAX_VOICE_SECONDS) {
                throw new IllegalArgumentException("voiceSeconds must be more than 0 and at most " + MAX_VOICE_SECONDS);
            }
            var base = config.twilio().mediaBaseUrl().orElse(uri.getBaseUri().toString());
            return simulator.receiveVoice(message.from(), message.voice(), seconds, message.profileName(), base);
        }
        return simulator.receive(message.from(), message.body(), message.profileName(), message.buttonPayload(),
                message.buttonText());
    }

    /** Both directions of one user's chat, oldest first (the chat page polls this). */
    @GET
    @Path("/conversation")
    public List<Map<String, Object>> conversation(@QueryParam("phone") String phone) {
        if (phone == null || phone.isBlank()) {
            throw new IllegalArgumentException("phone is required");
        }
        return simulator.conversation(phone.trim());
    }
}
