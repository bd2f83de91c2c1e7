package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.repository.MediaStore;
import com.flashapp.whatsapp.gateway.security.MediaUrlSigner;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.util.regex.Pattern;

/** Serves stored images to holders of a valid, unexpired signed URL (Twilio fetching a MediaUrl). */
@Path("/media")
public class MediaResource {

    private static final Pattern ID = Pattern.compile("[a-f0-9]{32}");

    private final MediaStore store;
    private final MediaUrlSigner signer;

    public MediaResource(MediaStore store, MediaUrlSigner signer) {
        this.store = store;
        this.signer = signer;
    }

    @GET
    @Path("/{id}")
    public Uni<Response> media(@PathParam("id") String id, @QueryParam("exp") String exp, @QueryParam("sig") String sig) {
        long expiresAt;
        try {
            expiresAt = Long.parseLong(exp);
        } catch (NumberFormatException e) {
            return Uni.createFrom().failure(new WebhookProblem(403, "invalid-media-signature", "The link is not valid."));
        }
        if (!ID.matcher(id).matches() || !signer.isValid(id, expiresAt, sig)) {
            return Uni.createFrom().failure(new WebhookProblem(403, "invalid-media-signature", "The link is not valid."));
        }
        var now = Instant.now().getEpochSecond();
        if (expiresAt < now) {
            return Uni.createFrom().failure(new WebhookProblem(410, "media-expired", "The link has expired."));
        }
        return store.find(id).map(png -> {
            if (png == null) {
                throw new WebhookProblem(404, "media-not-found", "The image is no longer available.");
            }
            return Response.ok(png, "image/png")
                    .header("Cache-Control", "private, max-age=" + Math.max(0, expiresAt - now))
                    .header("X-Content-Type-Options", "nosniff")
                    .build();
        });
    }
}
