package com.flashapp.whatsapp.gateway.security;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Base64;

/** Signs and checks {@code /media/{id}?exp=<epoch seconds>&sig=<base64url HMAC-SHA256(id + "." + exp)>}. */
@ApplicationScoped
public class MediaUrlSigner {

    private final Hmac hmac;

    public MediaUrlSigner(GatewayConfig config) {
        this.hmac = Hmac.sha256(config.media().signingKey());
    }

    public String signature(String id, long expiresAtEpochSecond) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac.sign(id + "." + expiresAtEpochSecond));
    }

    /** True when {@code sig} signs {@code id} and {@code exp} (expiry is checked by the caller). */
    public boolean isValid(String id, long exp, String sig) {
        return sig != null && sig.length() <= 128 && Hmac.constantTimeEquals(signature(id, exp), sig);
    }
}
