package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.twilio.TwilioSimulator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.Map;

/** Simulated WhatsApp users: their messages go to the gateway as Twilio would deliver them. */
@Path("/sandbox/whatsapp")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WhatsAppResource {

    /** Body of POST /sandbox/whatsapp/messages; {@code from} is E.164 without the whatsapp: prefix. */
    public record UserMessage(String from, String body, String profileName, String buttonPayload, String buttonText) {
    }

    private final TwilioSimulator simulator;

    public WhatsAppResource(TwilioSimulator simulator) {
        this.simulator = simulator;
    }

    @POST
    @Path("/messages")
    public Uni<Map<String, Object>> send(UserMessage message) {
        if (message == null) {
            throw new IllegalArgumentException("body required: {from, body, profileName?, buttonPayload?}");
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
