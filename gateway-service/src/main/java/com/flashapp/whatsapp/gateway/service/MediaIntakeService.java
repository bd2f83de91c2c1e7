package com.flashapp.whatsapp.gateway.service;

import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.repository.MediaStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Checks a {@link MediaStoreRequest} (id, type, Base64, size, magic bytes, expiry) and stores the image or voice
 * note until its {@code expiresAt}. An invalid request is a {@link Rejected} (its reason is the metric tag): it can never succeed,
 * so the caller dead-letters it instead of retrying.
 */
@ApplicationScoped
public class MediaIntakeService {

    /** The producer-chosen id: URL-safe, long enough to be unguessable, short enough for a Redis key and a URL. */
    public static final Pattern MEDIA_ID = Pattern.compile("[A-Za-z0-9_-]{16,64}");

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] JPEG_MAGIC = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
    /** Every Ogg page starts with the capture pattern "OggS". */
    private static final byte[] OGG_MAGIC = {'O', 'g', 'g', 'S'};

    /** A request that can never be stored; {@code reason} is a short slug (metric tag, log), never the data. */
    public static final class Rejected extends RuntimeException {
        private final String reason;

        Rejected(String reason, String detail) {
            super(detail, null, false, false); // an answer, not a bug: no stack trace
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    private final MediaStore store;
    private final GatewayConfig.Media config;
    private final Clock clock;

    public MediaIntakeService(MediaStore store, GatewayConfig config) {
        this.store = store;
        this.config = config.media();
        this.clock = Clock.systemUTC();
    }

    /** Validates and stores; fails with {@link Rejected} for an invalid request, with Redis' failure otherwise. */
    public Uni<Void> store(MediaStoreRequest request) {
        MediaStore.Image image;
        try {
            image = validate(request);
        } catch (Rejected rejected) {
            return Uni.createFrom().failure(rejected);
        }
        return store.put(request.mediaId(), image, request.expiresAt());
    }

    MediaStore.Image validate(MediaStoreRequest request) {
        if (request.mediaId() == null || !MEDIA_ID.matcher(request.mediaId()).matches()) {
            throw new Rejected("invalid-media-id", "mediaId must match " + MEDIA_ID.pattern());
        }
        if (request.contentType() == null || !MediaStore.CONTENT_TYPES.contains(request.contentType())) {
            throw new Rejected("unsupported-content-type", "contentType must be image/png, image/jpeg or audio/ogg");
        }
        var now = clock.instant();
        if (request.expiresAt() == null) {
            throw new Rejected("missing-expiry", "expiresAt is required");
        }
        if (!request.expiresAt().isAfter(now)) {
            throw new Rejected("expired", "expiresAt is not in the future");
        }
        if (request.expiresAt().isAfter(now.plus(config.maxTtl()))) {
            throw new Rejected("expiry-too-late", "expiresAt is later than gateway.media.max-ttl from now");
        }
        var base64 = request.dataBase64();
        if (base64 == null || base64.isEmpty()) {
            throw new Rejected("empty", "dataBase64 is empty");
        }
        // refuse an oversized payload before decoding it: 4 Base64 characters carry 3 bytes
        if ((long) base64.length() / 4 * 3 > (long) config.maxBytes() + 2) {
            throw new Rejected("too-large", "the image is larger than gateway.media.max-bytes");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new Rejected("invalid-base64", "dataBase64 is not standard Base64");
        }
        if (data.length == 0) {
            throw new Rejected("empty", "dataBase64 is empty");
        }
        if (data.length > config.maxBytes()) {
            throw new Rejected("too-large", "the image is larger than gateway.media.max-bytes");
        }
        var magic = switch (request.contentType()) {
            case MediaStore.PNG -> PNG_MAGIC;
            case MediaStore.OGG -> OGG_MAGIC;
            default -> JPEG_MAGIC;
        };
        if (!startsWith(data, magic)) {
            throw new Rejected("content-mismatch", "the bytes are not " + request.contentType());
        }
        return new MediaStore.Image(request.contentType(), data);
    }

    private static boolean startsWith(byte[] data, byte[] prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
