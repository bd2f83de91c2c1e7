package com.flashapp.whatsapp.gateway.repository;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;

/**
 * Short-lived images (invoice QR codes) and voice notes (spoken replies) in the gateway's Redis ({@code gateway:media:<id>}), stored from
 * {@code MediaStoreRequest}s and served by {@code GET /media/{id}} to whoever holds a signed URL (Twilio fetching a
 * {@code MediaUrl}). Only the gateway reads or writes these keys.
 */
@ApplicationScoped
public class MediaStore {

    public static final String PNG = "image/png";
    public static final String JPEG = "image/jpeg";
    /** Ogg/Opus: ai-support-service's voice replies, what WhatsApp plays as a voice note. */
    public static final String OGG = "audio/ogg";
    /** The content types the gateway stores and serves (what Twilio accepts as WhatsApp images and voice notes). */
    public static final Set<String> CONTENT_TYPES = Set.of(PNG, JPEG, OGG);

    /** A stored image or voice note and the type it is served as. */
    public record Image(String contentType, byte[] data) {
    }

    // value = content type, '\n', the image bytes: one key, so the type and the bytes are written (and expire)
    // together in one SET
    private static final byte SEPARATOR = '\n';
    private static final int MAX_TYPE_LENGTH = 32;

    private final ReactiveValueCommands<String, byte[]> values;
    private final String prefix;

    public MediaStore(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.values = redis.value(byte[].class);
        this.prefix = config.redis().keyPrefix() + "media:";
    }

    /**
     * Stores an image under the producer's id until {@code expiresAt}. Idempotent: storing the same request again
     * writes the same value and expiry.
     */
    public Uni<Void> put(String id, Image image, Instant expiresAt) {
        var type = image.contentType().getBytes(StandardCharsets.US_ASCII);
        var value = new byte[type.length + 1 + image.data().length];
        System.arraycopy(type, 0, value, 0, type.length);
        value[type.length] = SEPARATOR;
        System.arraycopy(image.data(), 0, value, type.length + 1, image.data().length);
        return values.set(prefix + id, value, new SetArgs().pxAt(expiresAt));
    }

    /** The image, or null when it expired, never existed, or is not one this version stored. */
    public Uni<Image> find(String id) {
        return values.get(prefix + id).map(MediaStore::decode);
    }

    static Image decode(byte[] value) {
        if (value == null) {
            return null;
        }
        for (int i = 0; i < Math.min(value.length, MAX_TYPE_LENGTH + 1); i++) {
            if (value[i] == SEPARATOR) {
                var type = new String(value, 0, i, StandardCharsets.US_ASCII);
                return CONTENT_TYPES.contains(type) ? new Image(type, Arrays.copyOfRange(value, i + 1, value.length)) : null;
            }
        }
        return null;
    }
}
