package com.flashapp.whatsapp.bench;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/** Inbound WhatsApp text messages as Twilio posts them, each with a fresh MessageSid, signed with the auth token. */
final class TwilioTextScenario {

    static final String PATH = "/webhooks/twilio/messages";

    private final String signedUrl;
    private final ThreadLocal<Mac> mac;
    private final String[] phones;
    private final long runId = ThreadLocalRandom.current().nextLong() >>> 16;

    TwilioTextScenario(Options options) {
        var base = options.publicBaseUrl().endsWith("/")
                ? options.publicBaseUrl().substring(0, options.publicBaseUrl().length() - 1) : options.publicBaseUrl();
        this.signedUrl = base + PATH;
        var key = new SecretKeySpec(options.token().getBytes(StandardCharsets.UTF_8), "HmacSHA1");
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                var m = Mac.getInstance("HmacSHA1");
                m.init(key);
                return m;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        this.phones = new String[options.senders()];
        var first = 1_000_000 + ThreadLocalRandom.current().nextInt(8_000_000 - options.senders());
        for (int i = 0; i < phones.length; i++) {
            phones[i] = "+1876" + (first + i);
        }
    }

    /** A signed request: the form body and its X-Twilio-Signature. */
    record Signed(byte[] body, String signature) {
    }

    Signed request(long n) {
        var sid = String.format("SM%016x%016x", runId, n);
        var phone = phones[(int) (n % phones.length)];
        var params = new TreeMap<String, String>(Map.of(
                "MessageSid", sid, "SmsMessageSid", sid, "SmsSid", sid, "AccountSid", "AC00000000000000000000000000000000",
                "From", "whatsapp:" + phone, "To", "whatsapp:+14155238886", "Body", "balance", "NumMedia", "0",
                "ProfileName", "Bench", "WaId", phone.substring(1)));
        var data = new StringBuilder(signedUrl);
        var body = new StringBuilder();
        params.forEach((k, v) -> {
            data.append(k).append(v);
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        var signature = Base64.getEncoder().encodeToString(mac.get().doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        return new Signed(body.toString().getBytes(StandardCharsets.UTF_8), signature);
    }
}
