package com.flashapp.whatsapp.gateway.security;

import com.flashapp.whatsapp.contracts.media.MediaUrls;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Checks {@code /media/{id}?exp=<epoch seconds>&sig=<base64url HMAC-SHA256(id + "." + exp)>}, the format of
 * {@link MediaUrls} with which balance- and ai-support-service sign what they store.
 */
@ApplicationScoped
public class MediaUrlSigner {

    private final String key;

    public MediaUrlSigner(GatewayConfig config) {
        this.key = config.media().signingKey();
    }

    public String signature(String id, long expiresAtEpochSecond) {
        return MediaUrls.signature(key, id, expiresAtEpochSecond);
    }

    /** True when {@code sig} signs {@code id} and {@code exp} (expiry is checked by the caller). */
    public boolean isValid(String id, long exp, String sig) {
        return sig != null && sig.length() <= 128 && Hmac.constantTimeEquals(signature(id, exp), sig);
    }
}
