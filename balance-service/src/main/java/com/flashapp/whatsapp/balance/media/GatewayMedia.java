package com.flashapp.whatsapp.balance.media;

import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.contracts.media.MediaUrls;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Hands an image to the gateway ({@code MediaStoreRequest} on {@code gateway.media}, {@code media.store}) and
 * returns the signed URL the gateway serves it at: {@code <public-base-url>/media/<id>?exp=<epoch s>&sig=<base64url
 * HMAC-SHA256(key, id + "." + exp)>}, exactly what the gateway's MediaUrlSigner checks ({@link MediaUrls}). The returned {@link Uni}
 * completes only after the broker confirmed the image, so a reply that links it is published after it (the
 * gateway consumes the image before Twilio fetches the URL in the normal case; notification-service's retry covers
 * the rest).
 */
@ApplicationScoped
public class GatewayMedia {

    private final Publisher publisher;
    private final BalanceConfig.Media config;
    private final Clock clock = Clock.systemUTC();

    public GatewayMedia(Publisher publisher, BalanceConfig config) {
        this.publisher = publisher;
        this.config = config.media();
    }

    /**
     * Publishes the image (waiting for the broker's confirm) and returns its signed URL; it expires at {@code
     * notAfter} (e.g. the invoice's expiry) or after {@code balance.media.ttl}, whichever is first.
     */
    public Uni<String> store(Envelope request, String contentType, byte[] data, Instant notAfter) {
        var byTtl = clock.instant().plus(config.ttl());
        var expiresAt = (notAfter != null && notAfter.isBefore(byTtl) ? notAfter : byTtl)
                .truncatedTo(ChronoUnit.SECONDS);
        var id = MediaUrls.newId();
        var message = new MediaStoreRequest(request.follow(RoutingKeys.Media.STORE), id, contentType,
                Base64.getEncoder().encodeToString(data), expiresAt);
        return publisher.publish(Exchanges.GATEWAY_MEDIA, message).replaceWith(() -> url(id, expiresAt));
    }

    /** The signed URL of a stored image. */
    public String url(String id, Instant expiresAt) {
        var exp = expiresAt.getEpochSecond();
        return MediaUrls.url(config.publicBaseUrl(), config.signingKey(), id, exp);
    }
}
