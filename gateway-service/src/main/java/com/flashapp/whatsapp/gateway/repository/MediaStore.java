package com.flashapp.whatsapp.gateway.repository;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.security.MediaUrlSigner;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * Short-lived images (invoice QR codes) in the gateway's Redis, served by {@code GET /media/{id}} to whoever
 * holds a signed URL (Twilio fetching a {@code MediaUrl}). Only the gateway reads or writes these keys.
 */
@ApplicationScoped
public class MediaStore {

    /** A stored image's id and its signed public URL. */
    public record StoredMedia(String id, String url, long expiresAtEpochSecond) {
    }

    private final ReactiveValueCommands<String, byte[]> values;
    private final MediaUrlSigner signer;
    private final GatewayConfig config;
    private final String prefix;
    private final Clock clock = Clock.systemUTC();

    public MediaStore(ReactiveRedisDataSource redis, MediaUrlSigner signer, GatewayConfig config) {
        this.values = redis.value(byte[].class);
        this.signer = signer;
        this.config = config;
        this.prefix = config.redis().keyPrefix() + "media:";
    }

    /** Stores a PNG for {@code ttl} and returns its signed URL (valid exactly as long as the image lives). */
    public Uni<StoredMedia> storePng(byte[] png, Duration ttl) {
        if (png == null || png.length == 0 || png.length > config.media().maxBytes()) {
            return Uni.createFrom().failure(new IllegalArgumentException("image empty or larger than gateway.media.max-bytes"));
        }
        if (png.length < 8 || (png[0] & 0xff) != 0x89 || png[1] != 'P' || png[2] != 'N' || png[3] != 'G') {
            return Uni.createFrom().failure(new IllegalArgumentException("not a PNG"));
        }
        var id = UUID.randomUUID().toString().replace("-", "");
        var exp = clock.instant().plus(ttl).getEpochSecond();
        var base = config.publicBaseUrl().endsWith("/")
                ? config.publicBaseUrl().substring(0, config.publicBaseUrl().length() - 1) : config.publicBaseUrl();
        var url = base + "/media/" + id + "?exp=" + exp + "&sig=" + signer.signature(id, exp);
        return values.setex(prefix + id, Math.max(1, ttl.toSeconds()), png).replaceWith(new StoredMedia(id, url, exp));
    }

    /** Stores a PNG for the configured default TTL. */
    public Uni<StoredMedia> storePng(byte[] png) {
        return storePng(png, config.media().ttl());
    }

    /** The image, or null when it expired or never existed. */
    public Uni<byte[]> find(String id) {
        return values.get(prefix + id);
    }
}
