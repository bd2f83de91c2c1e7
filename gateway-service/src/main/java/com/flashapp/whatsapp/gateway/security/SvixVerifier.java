package com.flashapp.whatsapp.gateway.security;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Verifies Flash's account webhooks, which Flash sends through Svix: {@code svix-signature} holds one or more
 * {@code v1,<base64 HMAC-SHA256(secret, svix-id + "." + svix-timestamp + "." + body)>} separated by spaces;
 * the secret is {@code whsec_<base64 key>}. Timestamps outside the tolerance are refused (replays).
 */
@ApplicationScoped
public class SvixVerifier {

    private final Hmac hmac;
    private final Duration tolerance;
    private final Clock clock;

    @Inject
    public SvixVerifier(GatewayConfig config) {
        this(config.flash().webhookSecret(), config.flash().timestampTolerance(), Clock.systemUTC());
    }

    SvixVerifier(String secret, Duration tolerance, Clock clock) {
        var raw = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        byte[] key;
        try {
            key = Base64.getDecoder().decode(raw);
        } catch (IllegalArgumentException e) {
            key = raw.getBytes(StandardCharsets.UTF_8);
        }
        this.hmac = new Hmac("HmacSHA256", key);
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** The expected signature value (without the {@code v1,} prefix); also what a test or the sandbox signs with. */
    public String sign(String id, String timestamp, byte[] body) {
        var prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
        var data = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, data, 0, prefix.length);
        System.arraycopy(body, 0, data, prefix.length, body.length);
        return Base64.getEncoder().encodeToString(hmac.sign(data));
    }

    /** True when the headers sign {@code body} and the timestamp is recent. */
    public boolean isValid(String id, String timestamp, String signatureHeader, byte[] body) {
        if (id == null || timestamp == null || signatureHeader == null || id.length() > 256 || signatureHeader.length() > 2048) {
            return false;
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > tolerance.toSeconds()) {
            return false;
        }
        var expected = sign(id, timestamp, body);
        var valid = false;
        for (var candidate : signatureHeader.trim().split(" +")) {
            var comma = candidate.indexOf(',');
            if (comma > 0 && candidate.substring(0, comma).equals("v1")) {
                // no early exit: every candidate is compared in constant time
                valid |= Hmac.constantTimeEquals(expected, candidate.substring(comma + 1));
            }
        }
        return valid;
    }
}
