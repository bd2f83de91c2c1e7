package com.flashapp.whatsapp.gateway.security;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Computes the system-wide {@code userRef}: {@code "u_" + hex(HMAC-SHA256(gateway.user-ref-key, E.164))}.
 * Only the gateway computes it; every other service takes it from the envelope.
 */
@ApplicationScoped
public class UserRefHasher {

    private final Hmac hmac;

    public UserRefHasher(GatewayConfig config) {
        this.hmac = Hmac.sha256(config.userRefKey());
    }

    /** The userRef of an E.164 number such as {@code +18765550101}. */
    public String userRef(String e164) {
        return "u_" + hmac.hex(e164);
    }
}
