package com.flashapp.whatsapp.gateway.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.gateway.mapping.FormBody;
import com.flashapp.whatsapp.gateway.security.SvixVerifier;
import com.flashapp.whatsapp.gateway.support.Webhooks;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The webhook security suite (issue 19): more than 10,000 webhooks generated from a fixed seed — forged (no, wrong
 * or misapplied signature), malformed, replayed (same {@code MessageSid} / Svix message, stale or future Svix
 * timestamps), oversized (declared and chunked) and wrongly encoded (bad percent-escapes, invalid UTF-8, other
 * charsets and content types) — against the Twilio message webhook and the Flash (Svix) webhook. Every one must be
 * answered with the exact 4xx its defect calls for and an {@code application/problem+json} body naming the reason
 * (a replay of something accepted is answered as the original was: 200 / 204), no answer may be a 5xx, and a
 * {@link BrokerTap} on every exchange the gateway publishes to must see nothing but the genuine originals, each once.
 * <p>
 * Shapes, mutations and sizes come from {@link #SEED}; only the ids and senders are unique per run (a run nonce), so
 * the dedup claims and rate-limit buckets of an earlier run cannot change this run's answers.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookSecuritySuiteTest {

    static final long SEED = 0x19_5EC_2026L;
    static final int MIN_REQUESTS = 10_000;
    static final int THREADS = 4;
    static final String FLASH = "/webhooks/flash";
    static final String JSON = "application/json";
    static final String PROBLEM = "urn:flash-whatsapp:problem:";
    static final int MAX_FORM = 65_536;   // gateway.inbound.max-form-bytes
    static final int MAX_FLASH = 65_536;  // gateway.flash.max-body-bytes
    static final int HARD_CAP = 1 << 20;  // quarkus.http.limits.max-body-size
    static final long TOLERANCE = 300;    // gateway.flash.timestamp-tolerance, seconds
    /**
     * The reason of a chunked body over {@link #HARD_CAP}: with no declared length, Quarkus' own reader refuses it
     * (413, empty body) before the application sees it; the status is checked, there is no problem body to check.
     */
    static final String SERVER_CAP = "(server hard cap)";

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    static final ObjectMapper JSON_MAPPER = new ObjectMapper();

    /** One request and the answer it must get; {@code reason} null accepts any problem reason. */
    record Step(String path, String contentType, Map<String, String> headers, byte[] body, boolean chunked,
                int status, String reason) {
    }

    /** Steps sent in order on one thread; {@code publishes}: the correlation id it must publish once, else null. */
    record Case(String kind, String name, List<Step> steps, String publishes) {
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    SvixVerifier svix;

    BrokerTap tap;
    final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    final Random unique = new Random(); // per run: senders only (rate-limit buckets), never the shapes
    final AtomicInteger serial = new AtomicInteger();

    @BeforeAll
    void tap() {
        tap = BrokerTap.on(Exchanges.WHATSAPP_INBOUND, Exchanges.WHATSAPP_DELIVERY, Exchanges.WHATSAPP_OUTBOUND,
                Exchanges.FLASH_EVENTS);
    }

    @AfterAll
    void untap() {
        tap.close();
    }

    @Test
    void forgedMalformedReplayedOversizedAndMisencodedWebhooksAreRefusedAndPublishNothing() throws Exception {
        var random = new Random(SEED);
        var cases = new ArrayList<Case>();
        for (int i = 0; i < 2400; i++) {
            cases.add(twilioForged(random));
        }
        for (int i = 0; i < 1800; i++) {
            cases.add(twilioMalformed(random));
        }
        for (int i = 0; i < 1600; i++) {
            cases.add(twilioMisencoded(random));
        }
        for (int i = 0; i < 500; i++) {
            cases.add(oversized(random, true));
        }
        for (int i = 0; i < 300; i++) {
            cases.add(twilioReplayed(random));
        }
        for (int i = 0; i < 1200; i++) {
            cases.add(flashForged(random));
        }
        for (int i = 0; i < 700; i++) {
            cases.add(flashMalformed(random));
        }
        for (int i = 0; i < 500; i++) {
            cases.add(flashMisencoded(random));
        }
        for (int i = 0; i < 200; i++) {
            cases.add(oversized(random, false));
        }
        for (int i = 0; i < 400; i++) {
            cases.add(flashStale(random));
        }
        for (int i = 0; i < 150; i++) {
            cases.add(flashReplayed(random));
        }
        var requests = cases.stream().mapToInt(c -> c.steps().size()).sum();
        assertTrue(requests >= MIN_REQUESTS, "only " + requests + " requests generated");

        // a fixed interleaving of the kinds, so no thread runs one kind alone
        java.util.Collections.shuffle(cases, new Random(SEED + 1));
        var failures = new ConcurrentLinkedQueue<String>();
        var statuses = new java.util.concurrent.ConcurrentHashMap<String, AtomicInteger>();
        var pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (var c : cases) {
                pool.execute(() -> runCase(c, failures, statuses));
            }
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.MINUTES), "the suite did not finish");
        }

        var expected = cases.stream().map(Case::publishes).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
        tap.flush();
        var seen = tap.all();
        var perCorrelation = new HashMap<String, Integer>();
        for (var message : seen) {
            var correlation = message.message().envelope().correlationId();
            perCorrelation.merge(correlation, 1, Integer::sum);
            if (!expected.contains(correlation)) {
                failures.add("published from a refused webhook: " + message.exchange() + " " + message.routingKey()
                        + " correlation " + correlation);
            }
        }
        for (var id : expected) {
            var count = perCorrelation.getOrDefault(id, 0);
            if (count != 1) {
                failures.add("genuine original " + id + " published " + count + " times");
            }
        }
        var report = failures.stream().limit(40).collect(Collectors.joining("\n  "));
        assertTrue(failures.isEmpty(), failures.size() + " failures in " + requests + " requests (answers "
                + new java.util.TreeMap<>(statuses) + "):\n  " + report);
        assertEquals(expected.size(), seen.size(), "messages published");
    }

    private void runCase(Case c, ConcurrentLinkedQueue<String> failures, Map<String, AtomicInteger> statuses) {
        for (int i = 0; i < c.steps().size(); i++) {
            var step = c.steps().get(i);
            var label = c.kind() + " / " + c.name() + " / step " + i;
            try {
                var response = send(step);
                statuses.computeIfAbsent(c.kind() + ":" + response.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                var problem = check(step, response);
                if (problem != null) {
                    failures.add(label + ": " + problem);
                }
            } catch (Exception e) {
                failures.add(label + ": no answer (" + e.getClass().getSimpleName() + ")");
            }
        }
    }

    private HttpResponse<String> send(Step step) throws Exception {
        var publisher = step.chunked()
                ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(step.body()))
                : HttpRequest.BodyPublishers.ofByteArray(step.body());
        var builder = HttpRequest.newBuilder(base.resolve(step.path())).timeout(Duration.ofSeconds(30)).POST(publisher);
        if (step.contentType() != null) {
            builder.header("Content-Type", step.contentType());
        }
        step.headers().forEach(builder::header);
        return CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Null when the answer is the one the step must get, else what is wrong with it. */
    private static String check(Step step, HttpResponse<String> response) {
        if (response.statusCode() != step.status()) {
            return "answered " + response.statusCode() + " (expected " + step.status() + "): " + abbreviate(response.body());
        }
        if (step.status() < 400 || SERVER_CAP.equals(step.reason())) {
            return null;
        }
        var type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith(Problem.MEDIA_TYPE)) {
            return "answered " + step.status() + " as '" + type + "', not a problem body";
        }
        try {
            var json = JSON_MAPPER.readTree(response.body());
            var problemType = json.path("type").asText();
            if (json.path("status").asInt() != step.status() || !problemType.startsWith(PROBLEM)
                    || json.path("detail").asText().isBlank()) {
                return "problem body incomplete: " + abbreviate(response.body());
            }
            if (step.reason() != null && !problemType.equals(PROBLEM + step.reason())) {
                return "reason " + problemType + " (expected " + step.reason() + ")";
            }
        } catch (Exception e) {
            return "problem body is not JSON: " + abbreviate(response.body());
        }
        return null;
    }

    // ------------------------------------------------------------------ Twilio

    private String sid(Random random) {
        return "SM" + run + HexFormat.of().formatHex(bytes(random, 11));
    }

    private String phone() {
        // unique per run: a sender's rate-limit bucket outlives the run
        return "+1876" + (1_000_000 + unique.nextInt(9_000_000));
    }

    /** A genuine-looking inbound message with a random body and, sometimes, media, a location or a button. */
    private LinkedHashMap<String, String> message(Random random) {
        var p = new LinkedHashMap<>(Webhooks.text(sid(random), phone(), text(random, 1 + random.nextInt(300))));
        p.put("ProfileName", text(random, 1 + random.nextInt(30)));
        switch (random.nextInt(6)) {
            case 0 -> {
                p.put("NumMedia", "1");
                p.put("MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC0/Messages/MM" + random.nextInt(1_000_000));
                p.put("MediaContentType0", "image/jpeg");
            }
            case 1 -> {
                p.put("Latitude", String.valueOf(random.nextDouble() * 180 - 90));
                p.put("Longitude", String.valueOf(random.nextDouble() * 360 - 180));
            }
            case 2 -> {
                p.put("ButtonPayload", "yes");
                p.put("ButtonText", "Yes");
            }
            default -> {
            }
        }
        return p;
    }

    private Step signedForm(String path, Map<String, String> params, int status, String reason) {
        return new Step(path, Webhooks.FORM, Map.of("X-Twilio-Signature", Webhooks.sign(path, params)),
                Webhooks.form(params), false, status, reason);
    }

    private Case twilioForged(Random random) {
        var path = random.nextInt(7) == 0 ? Webhooks.STATUS : Webhooks.MESSAGES;
        var p = message(random);
        if (path.equals(Webhooks.STATUS)) {
            p.put("MessageStatus", pick(random, "sent", "delivered", "read", "failed"));
        }
        var signature = Webhooks.sign(path, p);
        var body = Webhooks.form(p);
        var mutation = random.nextInt(13);
        String name;
        String sentSignature = signature;
        String sentPath = path;
        String reason = "invalid-signature";
        switch (mutation) {
            case 0 -> {
                name = "no signature";
                sentSignature = null;
                reason = "missing-signature";
            }
            case 1 -> {
                name = "signed with another token";
                sentSignature = Webhooks.sign(HexFormat.of().formatHex(bytes(random, 16)), Webhooks.PUBLIC_BASE + path, p);
            }
            case 2 -> {
                name = "a value changed after signing";
                var q = new LinkedHashMap<>(p);
                var key = pick(random, "Body", "From", "MessageSid", "ProfileName", "To");
                q.put(key, key.equals("From") ? "whatsapp:" + phone() : key.equals("MessageSid") ? sid(random) : q.get(key) + "!");
                body = Webhooks.form(q);
            }
            case 3 -> {
                name = "a parameter added after signing";
                var q = new LinkedHashMap<>(p);
                q.put(pick(random, "NumMedia2", "Forwarded", "ReferralBody", "X"), text(random, 5));
                body = Webhooks.form(q);
            }
            case 4 -> {
                name = "a parameter removed after signing";
                var q = new LinkedHashMap<>(p);
                q.remove(pick(random, "ProfileName", "To", "AccountSid", "ApiVersion", "SmsSid"));
                body = Webhooks.form(q);
            }
            case 5 -> {
                name = "signed for another URL";
                var url = pick(random, "http://gateway.example.test", "https://evil.example.test",
                        "https://gateway.example.test:8443", "https://gateway.example.test/") + path;
                sentSignature = Webhooks.sign(Webhooks.TOKEN, url, p);
            }
            case 6 -> {
                name = "query string added after signing";
                sentPath = path + "?" + pick(random, "a=b", "From=whatsapp%3A%2B1", "x", "redirect=https://evil");
            }
            case 7 -> {
                name = "random signature";
                sentSignature = Base64.getEncoder().encodeToString(bytes(random, 20));
            }
            case 8 -> {
                name = "one character of the signature changed";
                var chars = signature.toCharArray();
                var at = random.nextInt(chars.length - 1);
                chars[at] = chars[at] == 'A' ? 'B' : 'A';
                sentSignature = new String(chars);
            }
            case 9 -> {
                name = "overlong signature";
                sentSignature = (signature + ",").repeat(10 + random.nextInt(20));
            }
            case 10 -> {
                name = "another message's signature";
                sentSignature = Webhooks.sign(path, message(random));
            }
            case 11 -> {
                name = "signed for the other Twilio endpoint";
                sentSignature = Webhooks.sign(path.equals(Webhooks.MESSAGES) ? Webhooks.STATUS : Webhooks.MESSAGES, p);
            }
            default -> {
                name = "signature as hex, not Base64";
                sentSignature = HexFormat.of().formatHex(Base64.getDecoder().decode(signature));
            }
        }
        var headers = sentSignature == null ? Map.<String, String>of() : Map.of("X-Twilio-Signature", sentSignature);
        return new Case("twilio-forged", name, List.of(new Step(sentPath, Webhooks.FORM, headers, body, false, 403, reason)), null);
    }

    private Case twilioMalformed(Random random) {
        var p = message(random);
        var defect = random.nextInt(9);
        String name;
        String reason;
        switch (defect) {
            case 0 -> {
                name = "no MessageSid";
                if (random.nextBoolean()) {
                    p.remove("MessageSid");
                } else {
                    p.put("MessageSid", pick(random, "", " ", "\t"));
                }
                reason = "missing-message-sid";
            }
            case 1 -> {
                name = "MessageSid not a Twilio id";
                p.put("MessageSid", pick(random, "SM-" + run, "short", "SM" + "a".repeat(70), "SM" + run + "'--",
                        "SM" + run + "\u00e9\u00e9\u00e9", "../../" + run, "SM" + run + " OR 1=1"));
                reason = "invalid-message-sid";
            }
            case 2 -> {
                name = "no From";
                if (random.nextBoolean()) {
                    p.remove("From");
                } else {
                    p.put("From", "");
                }
                reason = "missing-from";
            }
            case 3 -> {
                name = "From not a WhatsApp address";
                p.put("From", pick(random, phone(), "sms:" + phone(), "whatsapp:" + phone().substring(1),
                        "whatsapp:+0" + random.nextInt(10_000_000), "whatsapp:+1" + "9".repeat(15),
                        "whatsapp:+1876abc" + random.nextInt(1000), "whatsapp:+1876 555 0101", "whatsapp:+",
                        "messenger:" + phone(), "whatsapp:" + phone() + "@evil", "${jndi:ldap://127.0.0.1/a}"));
                reason = "invalid-from";
            }
            case 4 -> {
                name = "NumMedia not 0..10";
                p.put("NumMedia", pick(random, "-1", "11", "abc", "1e2", "99999999999", "0x1", "NaN"));
                reason = "invalid-num-media";
            }
            case 5 -> {
                name = "a media URL that is not http(s)";
                p.put("NumMedia", String.valueOf(1 + random.nextInt(3)));
                p.put("MediaUrl0", pick(random, "javascript:alert(1)", "ftp://x/y", "https://", "file:///etc/passwd",
                        "https://x/" + "a".repeat(3000), "not a url", "data:image/png;base64,AAAA"));
                reason = "invalid-media-url";
            }
            case 6 -> {
                name = "a location that is not one";
                p.remove("Latitude");
                p.remove("Longitude");
                switch (random.nextInt(4)) {
                    case 0 -> p.put("Latitude", "18.0");
                    case 1 -> p.put("Longitude", "-77.0");
                    case 2 -> {
                        p.put("Latitude", pick(random, "abc", "91", "-90.5", "NaN", "Infinity", "1e309"));
                        p.put("Longitude", "0");
                    }
                    default -> {
                        p.put("Latitude", "0");
                        p.put("Longitude", pick(random, "181", "-180.01", "x", "NaN", "--1"));
                    }
                }
                reason = "invalid-location";
            }
            case 7 -> {
                name = "empty form";
                p.clear();
                reason = "missing-message-sid";
            }
            default -> {
                name = "a parameter twice";
                var key = pick(random, "From", "Body", "MessageSid", "NumMedia", "To");
                var form = new String(Webhooks.form(p), StandardCharsets.US_ASCII) + "&" + key + "="
                        + URLEncoder.encode(key.equals("From") ? "whatsapp:" + phone() : text(random, 8), StandardCharsets.UTF_8);
                // the signature covers the first value, as the gateway reads it: valid, so the duplicate is the defect
                return new Case("twilio-malformed", name, List.of(new Step(Webhooks.MESSAGES, Webhooks.FORM,
                        Map.of("X-Twilio-Signature", Webhooks.sign(Webhooks.MESSAGES, p)),
                        form.getBytes(StandardCharsets.US_ASCII), false, 400, "duplicate-parameter")), null);
            }
        }
        return new Case("twilio-malformed", name, List.of(signedForm(Webhooks.MESSAGES, p, 400, reason)), null);
    }

    static final List<String> BAD_ESCAPES = List.of("%", "%zz", "%4", "%G1", "%%", "%-1", "%u00e9");
    static final List<String> BAD_UTF8 = List.of("%C3%28", "%FF", "%FE%FF", "%ED%A0%80", "%C0%AF", "%E2%82",
            "%F8%88%80%80%80", "%80", "%F4%90%80%80", "%E0%80%AF");
    static final List<String> WRONG_CONTENT_TYPES = List.of("text/plain", JSON, "multipart/form-data; boundary=x",
            "application/x-www-form-urlencoded; charset=ISO-8859-1", "application/x-www-form-urlencoded; charset=utf-16",
            "application/xml", "text/html; charset=utf-8", "application/octet-stream", "form");

    private Case twilioMisencoded(Random random) {
        var p = message(random);
        var form = new String(Webhooks.form(p), StandardCharsets.US_ASCII);
        var kind = random.nextInt(4);
        if (kind == 3) {
            // a content type that is not UTF-8 form encoding: only a signature of the URL alone could match it
            var type = random.nextInt(12) == 0 ? null : pick(random, WRONG_CONTENT_TYPES.toArray(String[]::new));
            var urlOnly = random.nextBoolean();
            var signature = urlOnly ? Webhooks.sign(Webhooks.MESSAGES, Map.of()) : Webhooks.sign(Webhooks.MESSAGES, p);
            // a Content-Type that is not a media type at all is refused by the HTTP layer before the signature check
            var unparseable = "form".equals(type);
            return new Case("twilio-misencoded", "content type " + type + (urlOnly ? ", URL signed" : ", form signed"),
                    List.of(new Step(Webhooks.MESSAGES, type, Map.of("X-Twilio-Signature", signature),
                            form.getBytes(StandardCharsets.US_ASCII), false, urlOnly || unparseable ? 415 : 403,
                            urlOnly || unparseable ? "unsupported-media-type" : "invalid-signature")), null);
        }
        byte[] body;
        String name;
        if (kind == 0 || kind == 1) {
            var bad = kind == 0 ? pick(random, BAD_ESCAPES.toArray(String[]::new)) : pick(random, BAD_UTF8.toArray(String[]::new));
            name = (kind == 0 ? "bad percent-escape " : "invalid UTF-8 ") + bad;
            var target = random.nextInt(3);
            // at the end of a value or inside a name, so the bytes that follow can never complete the escape
            if (target == 0) {
                form = form.replaceFirst("(^|&)(Body=[^&]*)", "$1$2" + java.util.regex.Matcher.quoteReplacement(bad));
            } else if (target == 1) {
                form = form.replaceFirst("ProfileName=", "Profile" + java.util.regex.Matcher.quoteReplacement(bad) + "Name=");
            } else {
                form = form + "&Body" + random.nextInt(9) + "=" + bad;
            }
            body = form.getBytes(StandardCharsets.US_ASCII);
        } else {
            // raw bytes that are not UTF-8 (ISO-8859-1 text, lone continuation bytes), not even percent-encoded
            var raw = pick(random, "caf\u00e9", "\u00ff\u00fe", "na\u00efve", "\u0080\u0081");
            name = "raw non-UTF-8 bytes";
            body = (form + "&Note=" + raw).getBytes(StandardCharsets.ISO_8859_1);
        }
        // signed over what the gateway reads (the best-effort values), so the encoding is the defect, not the signature;
        // the same body with the original's signature is a forgery
        var signedOverRead = random.nextInt(4) != 0;
        var signature = Webhooks.sign(Webhooks.MESSAGES, signedOverRead ? FormBody.parse(body).params() : p);
        return new Case("twilio-misencoded", name, List.of(new Step(Webhooks.MESSAGES, Webhooks.FORM,
                Map.of("X-Twilio-Signature", signature), body, false, signedOverRead ? 400 : 403,
                signedOverRead ? "invalid-encoding" : "invalid-signature")), null);
    }

    private Case twilioReplayed(Random random) {
        var p = message(random);
        var original = signedForm(Webhooks.MESSAGES, p, 200, null);
        var steps = new ArrayList<Step>();
        steps.add(original);
        var replays = 1 + random.nextInt(4);
        for (int i = 0; i < replays; i++) {
            if (random.nextInt(3) == 0) {
                // the same MessageSid with another (validly signed) body: still the message already kept
                var q = new LinkedHashMap<>(p);
                q.put("Body", text(random, 20));
                steps.add(signedForm(Webhooks.MESSAGES, q, 200, null));
            } else {
                steps.add(original);
            }
        }
        return new Case("twilio-replayed", replays + " replays", steps, p.get("MessageSid"));
    }

    // ------------------------------------------------------------------ Flash (Svix)

    private String flashEvent(Random random, String txid) {
        var json = new StringBuilder("{\"eventType\":\"").append(pick(random, "receive.lightning", "receive.intraledger"))
                .append("\",\"accountId\":\"acct-").append(run).append('-').append(random.nextInt(1_000_000))
                .append("\",\"txid\":\"").append(txid).append('"');
        if (random.nextBoolean()) {
            json.append(",\"walletId\":\"wal-").append(random.nextInt(1000)).append("\",\"walletCurrency\":\"")
                    .append(pick(random, "USD", "BTC")).append("\",\"amount\":").append(random.nextInt(1_000_000));
        }
        if (random.nextBoolean()) {
            json.append(",\"paymentHash\":\"").append(HexFormat.of().formatHex(bytes(random, 32))).append('"');
        }
        return json.append('}').toString();
    }

    private String txid(Random random) {
        return "tx" + run + HexFormat.of().formatHex(bytes(random, 8));
    }

    private Map<String, String> svixHeaders(String id, String timestamp, String signature) {
        var headers = new HashMap<String, String>();
        if (id != null) {
            headers.put("svix-id", id);
        }
        if (timestamp != null) {
            headers.put("svix-timestamp", timestamp);
        }
        if (signature != null) {
            headers.put("svix-signature", signature);
        }
        return headers;
    }

    private Step signedFlash(String id, long timestamp, byte[] body, String contentType, int status, String reason) {
        var ts = Long.toString(timestamp);
        return new Step(FLASH, contentType, svixHeaders(id, ts, "v1," + svix.sign(id, ts, body)), body, false, status, reason);
    }

    private String svixId(Random random) {
        return "msg_" + run + HexFormat.of().formatHex(bytes(random, 10));
    }

    private Case flashForged(Random random) {
        var body = flashEvent(random, txid(random)).getBytes(StandardCharsets.UTF_8);
        var id = svixId(random);
        var ts = Long.toString(Instant.now().getEpochSecond());
        var signature = svix.sign(id, ts, body);
        String name;
        String sentId = id;
        String sentTs = ts;
        String sentSignature = "v1," + signature;
        byte[] sentBody = body;
        String reason = "invalid-signature";
        switch (random.nextInt(14)) {
            case 0 -> {
                name = "no svix-signature";
                sentSignature = null;
                reason = "missing-signature";
            }
            case 1 -> {
                name = "no svix-id";
                sentId = null;
            }
            case 2 -> {
                name = "no svix-timestamp";
                sentTs = null;
            }
            case 3 -> {
                name = "signed with another secret";
                sentSignature = "v1," + hmacSha256(bytes(random, 24), id + "." + ts + ".", body);
            }
            case 4 -> {
                name = "another body's signature";
                sentSignature = "v1," + svix.sign(id, ts, flashEvent(random, txid(random)).getBytes(StandardCharsets.UTF_8));
            }
            case 5 -> {
                name = "body changed after signing";
                sentBody = new String(body, StandardCharsets.UTF_8).replace("\"txid\":\"", "\"txid\":\"x")
                        .getBytes(StandardCharsets.UTF_8);
            }
            case 6 -> {
                name = "svix-id changed after signing";
                sentId = svixId(random);
            }
            case 7 -> {
                name = "svix-timestamp changed after signing";
                sentTs = Long.toString(Long.parseLong(ts) - 1 - random.nextInt(100));
            }
            case 8 -> {
                name = "another signature version";
                sentSignature = pick(random, "v2,", "v1a,", "V1,", ",", "v1 ") + signature;
            }
            case 9 -> {
                name = "signature without version";
                sentSignature = signature;
            }
            case 10 -> {
                name = "random signatures";
                sentSignature = "v1," + Base64.getEncoder().encodeToString(bytes(random, 32)) + " v1,"
                        + Base64.getEncoder().encodeToString(bytes(random, 32));
            }
            case 11 -> {
                name = "overlong svix-id";
                sentId = "msg_" + "x".repeat(300 + random.nextInt(500));
                sentSignature = "v1," + svix.sign(sentId, ts, body);
            }
            case 12 -> {
                name = "overlong signature header";
                sentSignature = ("v1," + Base64.getEncoder().encodeToString(bytes(random, 32)) + " ").repeat(60)
                        + "v1," + signature;
            }
            default -> {
                name = "timestamp not a number";
                sentTs = pick(random, "abc", "1e9", "", "0x10", ts + ".5", "-" + ts);
                sentSignature = "v1," + svix.sign(id, sentTs, body);
            }
        }
        if ("".equals(sentTs)) {
            sentTs = null; // an empty header is not sent: the same as none
        }
        return new Case("flash-forged", name, List.of(new Step(FLASH, JSON, svixHeaders(sentId, sentTs, sentSignature),
                sentBody, false, 403, reason)), null);
    }

    private Case flashMalformed(Random random) {
        var now = Instant.now().getEpochSecond();
        String json;
        String name;
        int status = 400;
        String reason;
        switch (random.nextInt(8)) {
            case 0 -> {
                json = pick(random, "", "not json", "{", "}", "{\"eventType\":", "[]", "\"receive.lightning\"", "42",
                        "null", "true", "[{\"txid\":\"a\"}]", "{'txid':'a'}", "{\"a\":1}{\"b\":2}x");
                name = "not a JSON object: " + abbreviate(json);
                reason = "invalid-json";
            }
            case 1 -> {
                json = flashEvent(random, txid(random)).replaceFirst(",\"txid\":\"[^\"]*\"", "");
                name = "no txid";
                reason = "invalid-txid";
            }
            case 2 -> {
                var bad = pick(random, "123", "{}", "[]", "\"\"", "\" \"", "\"a b\"", "\"" + "t".repeat(200) + "\"",
                        "\"tx\\u00e9\"", "\"tx/../x\"", "\"tx;DROP\"", "null", "true");
                json = flashEvent(random, "PLACEHOLDER").replace("\"PLACEHOLDER\"", bad);
                name = "txid " + abbreviate(bad);
                reason = "invalid-txid";
            }
            case 3 -> {
                json = flashEvent(random, txid(random)).replaceFirst("\"accountId\":\"[^\"]*\",", "");
                name = "no accountId";
                reason = "invalid-account-id";
            }
            case 4 -> {
                var bad = pick(random, "42", "{}", "\"\"", "\"acct id\"", "\"" + "a".repeat(129) + "\"", "\"<x>\"", "null");
                json = flashEvent(random, txid(random)).replaceFirst("\"accountId\":\"[^\"]*\"",
                        java.util.regex.Matcher.quoteReplacement("\"accountId\":" + bad));
                name = "accountId " + abbreviate(bad);
                reason = "invalid-account-id";
            }
            case 5 -> {
                var depth = 1001 + random.nextInt(3000);
                json = "{\"eventType\":\"receive.lightning\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                name = "nested " + depth + " deep";
                reason = "invalid-json";
            }
            case 6 -> {
                json = flashEvent(random, txid(random)).replace("}", ",\"amount\":" + "9".repeat(1001 + random.nextInt(5000)) + "}");
                name = "a number too long to read";
                reason = "invalid-json";
            }
            default -> {
                // an event type the gateway does not act on is acknowledged and ignored (Flash may add types)
                json = flashEvent(random, txid(random)).replaceFirst("receive\\.(lightning|intraledger)",
                        pick(random, "send.lightning", "account.updated", "receive.onchain", "RECEIVE.LIGHTNING", ""));
                name = "event type not acted on";
                status = 204;
                reason = null;
            }
        }
        var body = json.getBytes(StandardCharsets.UTF_8);
        return new Case("flash-malformed", name, List.of(signedFlash(svixId(random), now, body, JSON, status, reason)), null);
    }

    static final List<String> FLASH_WRONG_TYPES = List.of("text/plain", Webhooks.FORM, "application/json; charset=iso-8859-1",
            "application/json; charset=utf-16", "application/jsonp", "application/xml", "multipart/form-data; boundary=x");

    private Case flashMisencoded(Random random) {
        var now = Instant.now().getEpochSecond();
        var event = flashEvent(random, txid(random));
        switch (random.nextInt(3)) {
            case 0 -> {
                // invalid UTF-8 inside a string value (signed, so the encoding is the defect)
                var bad = new byte[][]{{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                        {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80},
                        {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}}[random.nextInt(7)];
                var at = event.indexOf("\"acct-") + 1;
                var out = new ByteArrayOutputStream();
                var utf8 = event.getBytes(StandardCharsets.UTF_8);
                out.write(utf8, 0, at);
                out.writeBytes(bad);
                out.write(utf8, at, utf8.length - at);
                return new Case("flash-misencoded", "invalid UTF-8 " + HexFormat.of().formatHex(bad),
                        List.of(signedFlash(svixId(random), now, out.toByteArray(), JSON, 400, "invalid-encoding")), null);
            }
            case 1 -> {
                // another Unicode encoding of valid JSON: JSON on the wire is UTF-8 only
                var charset = pick(random, "UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE");
                var body = event.getBytes(java.nio.charset.Charset.forName(charset));
                return new Case("flash-misencoded", "JSON in " + charset,
                        List.of(signedFlash(svixId(random), now, body, JSON, 400, null)), null);
            }
            default -> {
                var type = random.nextInt(10) == 0 ? null : pick(random, FLASH_WRONG_TYPES.toArray(String[]::new));
                return new Case("flash-misencoded", "content type " + type,
                        List.of(signedFlash(svixId(random), now, event.getBytes(StandardCharsets.UTF_8), type, 415,
                                "unsupported-media-type")), null);
            }
        }
    }

    private Case flashStale(Random random) {
        var now = Instant.now().getEpochSecond();
        var past = random.nextBoolean();
        // cases are generated before the suite sends them (up to a minute later on a busy machine): an old timestamp
        // only gets older, a future one comes nearer, so it starts well outside the window
        var margin = past ? 5 : 300;
        var skew = TOLERANCE + margin + (long) random.nextInt(random.nextBoolean() ? 600 : 10_000_000);
        var body = flashEvent(random, txid(random)).getBytes(StandardCharsets.UTF_8);
        // correctly signed, but outside the replay window
        return new Case("flash-replayed", (past ? "old" : "future") + " timestamp, " + skew + " s",
                List.of(signedFlash(svixId(random), past ? now - skew : now + skew, body, JSON, 403, "invalid-signature")),
                null);
    }

    private Case flashReplayed(Random random) {
        var now = Instant.now().getEpochSecond();
        var txid = txid(random);
        var body = flashEvent(random, txid).getBytes(StandardCharsets.UTF_8);
        var original = signedFlash(svixId(random), now, body, JSON, 204, null);
        var steps = new ArrayList<Step>();
        steps.add(original);
        var replays = 1 + random.nextInt(4);
        for (int i = 0; i < replays; i++) {
            // the very same request, or Svix's retry of it (new message id and timestamp, same transaction)
            steps.add(random.nextBoolean() ? original : signedFlash(svixId(random), now + i, body, JSON, 204, null));
        }
        return new Case("flash-replayed", replays + " replays", steps, txid);
    }

    // ------------------------------------------------------------------ oversized (both endpoints)

    private Case oversized(Random random, boolean twilio) {
        var limit = twilio ? MAX_FORM : MAX_FLASH;
        var huge = random.nextInt(50) == 0;
        var size = huge ? HARD_CAP + 1 + random.nextInt(HARD_CAP) : limit + 1 + random.nextInt(random.nextBoolean() ? 64 : 3 * limit);
        var chunked = random.nextInt(3) == 0;
        var signed = random.nextBoolean();
        Step step;
        if (twilio) {
            var p = message(random);
            var base = Webhooks.form(p).length;
            p.put("Body", p.get("Body") + "z".repeat(Math.max(0, size - base)));
            var body = Webhooks.form(p);
            var signature = signed ? Webhooks.sign(Webhooks.MESSAGES, p) : "AAAA";
            step = new Step(Webhooks.MESSAGES, Webhooks.FORM, Map.of("X-Twilio-Signature", signature), body, chunked,
                    413, huge && chunked ? SERVER_CAP : "body-too-large");
        } else {
            var event = flashEvent(random, txid(random));
            var body = (event.substring(0, event.length() - 1) + ",\"memo\":\"" + "z".repeat(size) + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            var id = svixId(random);
            var ts = Long.toString(Instant.now().getEpochSecond());
            step = new Step(FLASH, JSON, svixHeaders(id, ts, "v1," + (signed ? svix.sign(id, ts, body) : "AAAA")),
                    body, chunked, 413, huge && chunked ? SERVER_CAP : "body-too-large");
        }
        return new Case(twilio ? "twilio-oversized" : "flash-oversized",
                size + " bytes" + (chunked ? " chunked" : "") + (signed ? " signed" : ""), List.of(step), null);
    }

    // ------------------------------------------------------------------ helpers

    /** Text from a palette that stresses form encoding and Unicode: reserved characters, accents, emoji, RTL. */
    static String text(Random random, int length) {
        var palette = new String[]{"a", "b", "z", "A", "0", "9", " ", "&", "=", "+", "%", "?", "#", "/", "\"", "'",
                "<", ">", "\u00e9", "\u00f1", "\u20ac", "\ud83d\ude00", "\u202e", "\u0000", "\n", "\t", "wah gwaan ",
                "send 1 to ", "balance "};
        var sb = new StringBuilder();
        while (sb.length() < length) {
            sb.append(palette[random.nextInt(palette.length)]);
        }
        return sb.toString();
    }

    static byte[] bytes(Random random, int n) {
        var b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @SafeVarargs
    static <T> T pick(Random random, T... options) {
        return options[random.nextInt(options.length)];
    }

    static String hmacSha256(byte[] key, String prefix, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String abbreviate(String value) {
        return value == null ? "" : value.length() > 160 ? value.substring(0, 160) + "…(" + value.length() + ")" : value;
    }
}
