package com.flashapp.whatsapp.gateway.support;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Builds and sends webhooks as Twilio does (form body, X-Twilio-Signature), with full control over the bytes. */
public final class Webhooks {

    /** The sandbox auth token configured for tests. */
    public static final String TOKEN = "0123456789abcdef0123456789abcdef";
    /** The public base URL the test profile configures (not the host the test connects to). */
    public static final String PUBLIC_BASE = "https://gateway.example.test";
    public static final String MESSAGES = "/webhooks/twilio/messages";
    public static final String STATUS = "/webhooks/twilio/status";
    public static final String FORM = "application/x-www-form-urlencoded";

    // HTTP/1.1 as Twilio sends it (the JDK client would otherwise try an h2c upgrade)
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Webhooks() {
    }

    public static String newSid() {
        return "SM" + UUID.randomUUID().toString().replace("-", "");
    }

    /** A random Jamaican-looking number, so parallel runs never share a sender (or a rate-limit bucket). */
    public static String newPhone() {
        return "+1876" + (1_000_000 + ThreadLocalRandom.current().nextInt(9_000_000));
    }

    public static Map<String, String> text(String sid, String phone, String body) {
        var p = new LinkedHashMap<String, String>();
        p.put("SmsMessageSid", sid);
        p.put("NumMedia", "0");
        p.put("ProfileName", "Keisha");
        p.put("MessageType", "text");
        p.put("SmsSid", sid);
        p.put("WaId", phone.substring(1));
        p.put("SmsStatus", "received");
        p.put("Body", body);
        p.put("To", "whatsapp:+14155238886");
        p.put("NumSegments", "1");
        p.put("ReferralNumMedia", "0");
        p.put("MessageSid", sid);
        p.put("AccountSid", "AC00000000000000000000000000000000");
        p.put("From", "whatsapp:" + phone);
        p.put("ApiVersion", "2010-04-01");
        return p;
    }

    /** Twilio's algorithm: Base64(HMAC-SHA1(token, url + sorted name+value pairs)). */
    public static String sign(String token, String url, Map<String, String> params) {
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((k, v) -> data.append(k).append(v));
        try {
            var mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(String path, Map<String, String> params) {
        return sign(TOKEN, PUBLIC_BASE + path, params);
    }

    public static byte[] form(Map<String, String> params) {
        var sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A correctly signed form POST. */
    public static HttpResponse<String> postSigned(URI base, String path, Map<String, String> params) {
        return post(base, path, FORM, sign(path, params), form(params));
    }

    /** A raw POST; null content type or signature leaves the header out. */
    public static HttpResponse<String> post(URI base, String path, String contentType, String signature, byte[] body) {
        return post(base, path, contentType, Map.of("X-Twilio-Signature", signature == null ? "" : signature), body);
    }

    public static HttpResponse<String> post(URI base, String path, String contentType, Map<String, String> headers, byte[] body) {
        var builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        headers.forEach((k, v) -> {
            if (v != null && !v.isEmpty()) {
                builder.header(k, v);
            }
        });
        try {
            return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A GET sent now whose answer arrives later (a fetch that waits for its image). */
    public static java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> getAsync(URI base, String pathAndQuery) {
        return CLIENT.sendAsync(HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    public static HttpResponse<byte[]> get(URI base, String pathAndQuery) {
        try {
            return CLIENT.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
