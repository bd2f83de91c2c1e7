package com.flashapp.whatsapp.contracts.media;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The wire format of the URL a {@link MediaStoreRequest} is served at by the gateway:
 * {@code <public-base-url>/media/<id>?exp=<epoch s>&sig=<base64url HMAC-SHA256(key, id + "." + exp)>}. The service
 * that stores media (balance-service's invoice QR images, ai-support-service's voice replies) builds the URL with the
 * key it shares with the gateway, and the gateway checks it with the same signature.
 */
public final class MediaUrls {

    /** 128 random bits: the id is also the capability of an unexpired URL, so it must not be guessable. */
    private static final int ID_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private MediaUrls() {
    }

    /** A new media id (base64url, 22 characters). */
    public static String newId() {
        var bytes = new byte[ID_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The signed URL of media {@code id} expiring at {@code exp} (epoch seconds). */
    public static String url(String publicBaseUrl, String key, String id, long exp) {
        var base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        return base + "/media/" + id + "?exp=" + exp + "&sig=" + signature(key, id, exp);
    }

    /** base64url (no padding) of HMAC-SHA256(key, id + "." + exp). */
    public static String signature(String key, String id, long exp) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            var sig = mac.doFinal((id + "." + exp).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
