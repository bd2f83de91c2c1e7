package com.flashapp.whatsapp.aisupport.media;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.contracts.media.MediaUrls;
import com.flashapp.whatsapp.messaging.Publisher;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * Hands a voice reply to the gateway ({@code MediaStoreRequest} on {@code gateway.media}, {@code media.store}) and
 * returns the signed URL the gateway serves it at: {@code <public-base-url>/media/<id>?exp=<epoch s>&sig=<base64url
 * HMAC-SHA256(key, id + "." + exp)>}, what the gateway's MediaUrlSigner checks (the format is
 * the contract's {@link MediaUrls}, as for balance-service's invoice QR images). The {@link Uni}
 * completes after the broker confirmed the audio, so the reply linking it is published after it.
 */
@ApplicationScoped
public class GatewayMedia {

    private final Publisher publisher;
    private final SupportConfig.Media config;
    private final Clock clock = Clock.systemUTC();

    public GatewayMedia(Publisher publisher, SupportConfig config) {
        this.publisher = publisher;
        this.config = config.media();
    }

    /** Publishes the media (waiting for the broker's confirm) and returns its signed URL, valid for {@code ttl}. */
    public Uni<String> store(Envelope request, String contentType, byte[] data) {
        var expiresAt = clock.instant().plus(config.ttl()).truncatedTo(ChronoUnit.SECONDS);
        var id = MediaUrls.newId();
        var message = new MediaStoreRequest(request.follow(RoutingKeys.Media.STORE), id, contentType,
                Base64.getEncoder().encodeToString(data), expiresAt);
        return publisher.publish(Exchanges.GATEWAY_MEDIA, message).replaceWith(() -> url(id, expiresAt.getEpochSecond()));
    }

    String url(String id, long exp) {
        return MediaUrls.url(config.publicBaseUrl(), config.signingKey(), id, exp);
    }
}
