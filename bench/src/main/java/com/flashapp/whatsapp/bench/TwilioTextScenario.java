package com.flashapp.whatsapp.bench;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Inbound WhatsApp text messages as Twilio posts them, each with a fresh MessageSid, signed with the auth token.
 * Each request is built as the complete HTTP/1.1 bytes in one cheap pass (fixed parameter order, pre-encoded
 * constant parts, one HMAC-SHA1), so the generator spends its CPU on sending, not on building.
 */
final class TwilioTextScenario {

    static final String PATH = "/webhooks/twilio/messages";

    private static final String ACCOUNT = "AC00000000000000000000000000000000";
    private static final String TO = "whatsapp:+14155238886";
    private static final String BODY = "balance";
    private static final String PROFILE = "Bench";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String signedUrl;
    private final Mac mac;
    private final String[] phones;
    private final String head;
    private final String runHex;

    TwilioTextScenario(Options options) {
        this(options.target(), options.publicBaseUrl(), options.token(), options.senders());
    }

    /** Requests to {@code target}, signed for {@code publicBaseUrl} with {@code token}, from {@code senders} numbers. */
    TwilioTextScenario(java.net.URI target, String publicBaseUrl, String token, int senders) {
        var base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        this.signedUrl = base + PATH;
        try {
            this.mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        this.phones = new String[senders];
        var first = 1_000_000 + ThreadLocalRandom.current().nextInt(8_000_000 - senders);
        for (int i = 0; i < phones.length; i++) {
            phones[i] = "+1876" + (first + i);
        }
        var port = target.getPort() < 0 ? 80 : target.getPort();
        this.head = "POST " + PATH + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + port
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: ";
        this.runHex = hex16(ThreadLocalRandom.current().nextLong() >>> 16);
    }

    /** The complete HTTP/1.1 request number {@code n} (keep-alive: no Connection header needed). Not thread-safe. */
    byte[] request(long n) {
        return request(n, phones[(int) (n % phones.length)], TO, BODY, BODY);
    }

    /**
     * Request number {@code n} (its MessageSid) from {@code phone} (E.164) to our WhatsApp sender {@code to}
     * ({@code whatsapp:+E164}) saying {@code body}; {@code formBody} is the same text form-encoded. Not thread-safe.
     */
    byte[] request(long n, String phone, String to, String body, String formBody) {
        var sid = "SM" + runHex + hex16(n);
        var from = "whatsapp:" + phone;
        // Twilio's signature: the URL, then each parameter name + value, sorted by name
        var data = new StringBuilder(320).append(signedUrl)
                .append("AccountSid").append(ACCOUNT)
                .append("Body").append(body)
                .append("From").append(from)
                .append("MessageSid").append(sid)
                .append("NumMedia").append('0')
                .append("ProfileName").append(PROFILE)
                .append("SmsMessageSid").append(sid)
                .append("SmsSid").append(sid)
                .append("To").append(to)
                .append("WaId").append(phone, 1, phone.length());
        var signature = Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        // the same parameters, form-encoded (':' and '+' are the only characters that need escaping here)
        var form = new StringBuilder(320)
                .append("AccountSid=").append(ACCOUNT)
                .append("&Body=").append(formBody)
                .append("&From=whatsapp%3A%2B").append(phone, 1, phone.length())
                .append("&MessageSid=").append(sid)
                .append("&NumMedia=0")
                .append("&ProfileName=").append(PROFILE)
                .append("&SmsMessageSid=").append(sid)
                .append("&SmsSid=").append(sid)
                .append("&To=whatsapp%3A%2B").append(to, "whatsapp:+".length(), to.length())
                .append("&WaId=").append(phone, 1, phone.length());
        var request = new StringBuilder(head.length() + 64 + form.length()).append(head).append(signature)
                .append("\r\nContent-Length: ").append(form.length()).append("\r\n\r\n").append(form);
        return request.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String hex16(long value) {
        var chars = new char[16];
        for (int i = 15; i >= 0; i--) {
            chars[i] = HEX[(int) (value & 0xf)];
            value >>>= 4;
        }
        return new String(chars);
    }
}
