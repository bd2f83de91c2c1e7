package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of malformed requests generated from rules (missing fields, wrong types, long values, odd encodings,
 * injection strings, wrong content types, unsigned and signed variants): none may yield a 5xx.
 */
@QuarkusTest
class MalformedRequestCorpusTest {

    static final List<String> NASTY = List.of("", " ", "x".repeat(10_000), "%", "%zz", "\u0000", "' OR 1=1 --",
            "<script>alert(1)</script>", "${jndi:ldap://127.0.0.1/a}", "../../etc/passwd", "\uD83D\uDE00\u202E",
            "NaN", "-1", "99999999999999999999", "whatsapp:", "whatsapp:+", "whatsapp:+0000", "{\"a\":1}",
            "\r\nX-Injected: 1", "message.#", "1e309");

    static final List<String> CONTENT_TYPES = List.of("text/plain", "application/json", "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded; charset=ISO-8859-1", ";;;", "application/x-www-form-urlencoded;;charset",
            "*/*", "application/x-www-form-urlencoded; charset=\"utf-8\"");

    static final List<String> RAW_BODIES = List.of("%", "%zz=1", "a=%C3%28", "&&&", "=", "a", "==&==", "%00=%00",
            "k".repeat(5000) + "=v", "Body=%ED%A0%80", "From=whatsapp%3A%2B1876&From=whatsapp%3A%2B1877", "\u00ff\u00fe=1",
            "a=1&".repeat(3000));

    @TestHTTPResource("/")
    URI base;

    record Case(String name, Supplier<java.net.http.HttpResponse<String>> send) {
    }

    @Test
    void noMalformedRequestYieldsAServerError() {
        var cases = new ArrayList<Case>();
        var phone = Webhooks.newPhone();
        for (var path : List.of(Webhooks.MESSAGES, Webhooks.STATUS)) {
            var template = Webhooks.text("SMtemplate", phone, "hello");
            template.put("MessageStatus", "delivered");
            for (var field : List.copyOf(template.keySet())) {
                cases.add(signedCase(path, "missing " + field, () -> {
                    var p = fresh(template);
                    p.remove(field);
                    return p;
                }));
                for (var value : NASTY) {
                    cases.add(signedCase(path, field + "=" + abbreviate(value), () -> {
                        var p = fresh(template);
                        p.put(field, value);
                        return p;
                    }));
                }
            }
            for (var extra : List.<Map<String, String>>of(Map.of("NumMedia", "3"), Map.of("NumMedia", "11"),
                    Map.of("NumMedia", "1", "MediaUrl0", "javascript:alert(1)"), Map.of("NumMedia", "1", "MediaUrl0", "https://"),
                    Map.of("Latitude", "18.0"), Map.of("Latitude", "abc", "Longitude", "1"), Map.of("Latitude", "91", "Longitude", "0"),
                    Map.of("Latitude", "Infinity", "Longitude", "NaN"), Map.of("ButtonPayload", "x".repeat(5000)),
                    Map.of("OriginalRepliedMessageSid", "<x>"), Map.of("ErrorCode", "abc", "ErrorMessage", "\u0000"))) {
                cases.add(signedCase(path, "extra " + extra.keySet(), () -> {
                    var p = fresh(template);
                    p.putAll(extra);
                    return p;
                }));
            }
            for (var contentType : CONTENT_TYPES) {
                var p = fresh(template);
                cases.add(new Case(path + " content-type " + contentType, () -> Webhooks.post(base, path, contentType,
                        Webhooks.sign(path, p), Webhooks.form(p))));
            }
            cases.add(new Case(path + " no content type", () -> Webhooks.post(base, path, null, "sig", new byte[0])));
            for (var raw : RAW_BODIES) {
                var bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
                cases.add(new Case(path + " raw unsigned " + abbreviate(raw), () -> Webhooks.post(base, path, Webhooks.FORM, (String) null, bytes)));
                cases.add(new Case(path + " raw bad signature " + abbreviate(raw), () -> Webhooks.post(base, path, Webhooks.FORM, "AAAA", bytes)));
            }
            cases.add(new Case(path + " huge signature", () -> Webhooks.post(base, path, Webhooks.FORM, "A".repeat(8000), Webhooks.form(fresh(template)))));
        }
        for (var raw : List.of("", "null", "[]", "{", "{\"eventType\":1}", "{\"eventType\":\"receive.lightning\",\"txid\":{}}")) {
            cases.add(new Case("flash " + raw, () -> Webhooks.post(base, "/webhooks/flash", "application/json",
                    Map.of("svix-id", "x", "svix-timestamp", "abc", "svix-signature", "v1,x"), raw.getBytes(StandardCharsets.UTF_8))));
        }
        cases.add(new Case("media bad exp", () -> stringResponse(Webhooks.get(base, "/media/abc?exp=zz&sig=%00"))));
        var oversized = ("Body=" + "z".repeat(1_500_000)).getBytes(StandardCharsets.US_ASCII);
        cases.add(new Case("over the server's hard body cap", () -> {
            try {
                return Webhooks.post(base, Webhooks.MESSAGES, Webhooks.FORM, "sig", oversized);
            } catch (IllegalStateException e) {
                return null; // the server may answer 413 and close before the client finished sending
            }
        }));
        cases.add(new Case("GET on a webhook", () -> stringResponse(Webhooks.get(base, Webhooks.MESSAGES + "?From=x"))));
        cases.add(new Case("flash no content type", () -> Webhooks.post(base, "/webhooks/flash", null, Map.of(), new byte[0])));

        assertTrue(cases.size() >= 300, "corpus has " + cases.size() + " cases");
        var failures = new ArrayList<String>();
        for (var c : cases) {
            java.net.http.HttpResponse<String> response;
            try {
                response = c.send().get();
            } catch (IllegalArgumentException e) {
                continue; // the HTTP client itself refuses to send this header value; nothing reached the gateway
            }
            if (response == null) {
                continue; // connection closed early by the server (only the oversized case allows this)
            }
            if (response.statusCode() >= 500) {
                failures.add(c.name() + " -> " + response.statusCode() + " " + response.body());
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " server errors: " + failures);
    }

    private Case signedCase(String path, String name, Supplier<Map<String, String>> params) {
        return new Case(path + " " + name, () -> {
            var p = params.get();
            return Webhooks.post(base, path, Webhooks.FORM, Webhooks.sign(path, p), Webhooks.form(p));
        });
    }

    /** The template with a fresh MessageSid, so every case goes through the whole pipeline. */
    private static LinkedHashMap<String, String> fresh(Map<String, String> template) {
        var p = new LinkedHashMap<>(template);
        var sid = Webhooks.newSid();
        p.replaceAll((k, v) -> "SMtemplate".equals(v) ? sid : v);
        return p;
    }

    private static String abbreviate(String value) {
        return value.length() > 24 ? value.substring(0, 24) + "…(" + value.length() + ")" : value;
    }

    private static java.net.http.HttpResponse<String> stringResponse(java.net.http.HttpResponse<byte[]> r) {
        return new java.net.http.HttpResponse<>() {
            public int statusCode() { return r.statusCode(); }
            public java.net.http.HttpRequest request() { return r.request(); }
            public java.util.Optional<java.net.http.HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
            public java.net.http.HttpHeaders headers() { return r.headers(); }
            public String body() { return new String(r.body(), StandardCharsets.UTF_8); }
            public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return r.sslSession(); }
            public URI uri() { return r.uri(); }
            public java.net.http.HttpClient.Version version() { return r.version(); }
        };
    }
}
