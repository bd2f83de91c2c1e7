package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.repository.MediaStore;
import com.flashapp.whatsapp.gateway.security.MediaUrlSigner;
import com.flashapp.whatsapp.gateway.service.MediaIntakeService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.time.Instant;

/**
 * Serves stored images and voice notes to holders of a valid, unexpired signed URL (Twilio fetching a MediaUrl). The producer
 * publishes the image and then the message linking it, so Twilio may fetch a URL a moment before the gateway has
 * consumed the image: a valid link whose image is missing waits (polling Redis, never blocking a thread) up to
 * {@code gateway.media.await-missing} before it is answered 404.
 */
@Path("/media")
public class MediaResource {

    /** The endpoint tag of refusals here (metrics, logs). */
    public static final String MEDIA = "media";

    private final MediaStore store;
    private final MediaUrlSigner signer;
    private final GatewayMetrics metrics;
    private final Duration awaitMissing;
    private final Duration pollInterval;

    public MediaResource(MediaStore store, MediaUrlSigner signer, GatewayMetrics metrics, GatewayConfig config) {
        this.store = store;
        this.signer = signer;
        this.metrics = metrics;
        this.awaitMissing = config.media().awaitMissing();
        this.pollInterval = config.media().awaitPollInterval();
    }

    @GET
    @Path("/{id}")
    public Uni<Response> media(@PathParam("id") String id, @QueryParam("exp") String exp, @QueryParam("sig") String sig) {
        long expiresAt;
        try {
            expiresAt = Long.parseLong(exp);
        } catch (NumberFormatException e) {
            return Uni.createFrom().failure(invalidLink());
        }
        if (!MediaIntakeService.MEDIA_ID.matcher(id).matches() || !signer.isValid(id, expiresAt, sig)) {
            return Uni.createFrom().failure(invalidLink());
        }
        if (expiresAt < Instant.now().getEpochSecond()) {
            return Uni.createFrom().failure(new WebhookProblem(410, "media-expired", "The link has expired.").at(MEDIA));
        }
        return store.find(id)
                .flatMap(image -> image != null ? Uni.createFrom().item(image) : awaitStored(id))
                .onFailure(f -> !(f instanceof WebhookProblem)).transform(f -> {
                    Log.warnf("media store failed: %s", f.getClass().getSimpleName());
                    return new WebhookProblem(503, "store-unavailable", "The image cannot be read right now; please retry.")
                            .at(MEDIA);
                })
                .map(image -> {
                    if (image == null) {
                        throw new WebhookProblem(404, "media-not-found", "The image is not available.").at(MEDIA);
                    }
                    return Response.ok(image.data(), image.contentType())
                            .header("Cache-Control", "private, max-age=" + Math.max(0, expiresAt - Instant.now().getEpochSecond()))
                            .header("X-Content-Type-Options", "nosniff")
                            .build();
                });
    }

    /** Polls Redis until the image is there or {@code await-missing} has passed; null if it never came. */
    private Uni<MediaStore.Image> awaitStored(String id) {
        var deadline = System.nanoTime() + awaitMissing.toNanos();
        metrics.mediaAwaiting().incrementAndGet();
        return poll(id, deadline).onTermination().invoke(() -> metrics.mediaAwaiting().decrementAndGet());
    }

    private Uni<MediaStore.Image> poll(String id, long deadline) {
        if (System.nanoTime() >= deadline) {
            return Uni.createFrom().nullItem();
        }
        // a timer, not a sleeping thread: waiting fetches cost no worker or event-loop thread
        return Uni.createFrom().voidItem().onItem().delayIt().by(pollInterval)
                .flatMap(x -> store.find(id))
                .flatMap(image -> image != null ? Uni.createFrom().item(image) : poll(id, deadline));
    }

    private static WebhookProblem invalidLink() {
        return new WebhookProblem(403, "invalid-media-signature", "The link is not valid.").at(MEDIA);
    }
}
