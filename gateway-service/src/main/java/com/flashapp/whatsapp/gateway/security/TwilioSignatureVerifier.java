package com.flashapp.whatsapp.gateway.security;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.twilio.security.RequestValidator;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks {@code X-Twilio-Signature} with twilio-java's {@link RequestValidator} (constant-time compare inside)
 * against the configured public URL, trying the primary auth token first and then the rotation tokens.
 */
@ApplicationScoped
public class TwilioSignatureVerifier {

    private final List<RequestValidator> validators;
    private final String publicBaseUrl;

    public TwilioSignatureVerifier(GatewayConfig config) {
        var tokens = new ArrayList<String>();
        tokens.add(config.twilio().authToken());
        config.twilio().extraAuthTokens().ifPresent(extra -> extra.stream().filter(t -> !t.isBlank()).forEach(tokens::add));
        this.validators = tokens.stream().map(RequestValidator::new).toList();
        var base = config.publicBaseUrl();
        this.publicBaseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** The URL Twilio signed: the public base URL, the path, and the raw query string if any. */
    public String publicUrl(String path, String rawQuery) {
        return publicBaseUrl + path + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }

    /** True when {@code signature} is Twilio's signature of {@code url} and {@code params} under any token. */
    public boolean isValid(String url, Map<String, String> params, String signature) {
        if (signature == null || signature.isBlank() || signature.length() > 256) {
            return false;
        }
        for (var validator : validators) {
            try {
                if (validator.validate(url, params, signature)) {
                    return true;
                }
            } catch (RuntimeException e) {
                // a URL the validator cannot re-parse cannot carry a valid signature
                return false;
            }
        }
        return false;
    }
}
