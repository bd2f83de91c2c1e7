package com.flashapp.whatsapp.notification.rest;

import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import com.flashapp.whatsapp.notification.repository.OutboxRepository.History;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.List;
import java.util.UUID;

/**
 * Admin query: a message's states and every step (attempts, retries, status callbacks) by its id, or all
 * messages of a flow by correlation id (the inbound MessageSid). Internal only: not exposed by the ingress.
 */
@Path("/admin/messages")
@Produces(MediaType.APPLICATION_JSON)
public class MessageHistoryResource {

    private final OutboxRepository outbox;

    public MessageHistoryResource(OutboxRepository outbox) {
        this.outbox = outbox;
    }

    @GET
    @Path("/{id}")
    public Uni<History> byId(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("message id must be a UUID");
        }
        return outbox.history(uuid, null).map(found -> {
            if (found.isEmpty()) {
                throw new NotFoundException("no message " + id);
            }
            return found.get(0);
        });
    }

    @GET
    public Uni<List<History>> byCorrelation(@QueryParam("correlationId") String correlationId) {
        if (correlationId == null || correlationId.isBlank()) {
            throw new BadRequestException("correlationId is required");
        }
        return outbox.history(null, correlationId);
    }
}
