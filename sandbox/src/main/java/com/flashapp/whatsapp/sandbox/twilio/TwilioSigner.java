package com.flashapp.whatsapp.sandbox.twilio;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/** Computes X-Twilio-Signature exactly as Twilio does: Base64(HMAC-SHA1(authToken, url + sorted name+value pairs)). */
public final class TwilioSigner {

    private TwilioSigner() {
    }

    public static String sign(String authToken, String url, Map<String, String> params) {
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value == null ? "" : value));
        try {
            var mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(authToken.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }
}
