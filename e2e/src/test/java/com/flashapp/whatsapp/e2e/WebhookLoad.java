package com.flashapp.whatsapp.e2e;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A steady load of signed Twilio webhooks straight to the gateway, as Twilio delivers them: form-encoded, every
 * parameter Twilio sends for a WhatsApp text, {@code X-Twilio-Signature} = Base64(HMAC-SHA1(auth token, public
 * URL + sorted name+value pairs)), Twilio's time-outs (5 s to connect, 15 s for the answer) and Twilio's default
 * retry: <b>once, at once, and only when the connection failed</b> (refused, reset, closed before an answer, or not
 * connected within 5 s) — same MessageSid, same signature, same {@code I-Twilio-Idempotency-Token}. A 5xx or an
 * answer that does not come within 15 s is not retried (Twilio does not, unless the webhook URL carries
 * connection overrides), so that webhook counts as refused.
 *
 * <p>Open loop: a webhook goes out every {@code 1/rate} seconds whatever the state of the product, as users keep
 * writing during an outage. Before each webhook the sandbox is told that the user wrote (their 24-hour window
 * opens, as it would at Twilio), so a free-form answer is delivered and counted, not turned into a template.
 */
final class WebhookLoad implements AutoCloseable {

    static final String AUTH_TOKEN = "0123456789abcdef0123456789abcdef";
    static final String ACCOUNT_SID = "AC00000000000000000000000000000000";
    static final String OUR_NUMBER = "whatsapp:+14155238886";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    /** Webhooks waiting for an answer at once; beyond, a tick is skipped (counted) rather than piling up. */
    private static final int MAX_OPEN = 400;

    private final Ledger ledger;
    private final String publicUrl;
    private final URI target;
    private final URI windows;
    private final double rate;
    private final Map<Ledger.Kind, Double> weights;
    private final ExecutorService io = Executors.newFixedThreadPool(4, daemon("faults-http"));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).executor(io).build();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("faults-load"));
    private final Semaphore open = new Semaphore(MAX_OPEN);
    private final SecureRandom random = new SecureRandom();

    WebhookLoad(Ledger ledger, int gatewayPort, int sandboxPort, double rate, Map<Ledger.Kind, Double> weights) {
        this.ledger = ledger;
        this.publicUrl = "http://localhost:" + gatewayPort + "/webhooks/twilio/messages";
        this.target = URI.create("http://127.0.0.1:" + gatewayPort + "/webhooks/twilio/messages");
        this.windows = URI.create("http://127.0.0.1:" + sandboxPort + "/sandbox/twilio/windows");
        this.rate = rate;
        this.weights = weights;
    }

    void start() {
        var period = (long) (1_000_000 / rate);
        ticker.scheduleAtFixedRate(this::tick, 0, period, TimeUnit.MICROSECONDS);
    }

    /** {@code n} webhooks at once, on top of the steady rate: messages in every stage when a fault strikes. */
    void burst(int n) {
        for (int i = 0; i < n; i++) {
            tick();
        }
    }

    private void tick() {
        try {
            if (!open.tryAcquire()) {
                ledger.skippedTick();
                return;
            }
            var kind = pick();
            var user = kind.linked ? ledger.idleLinkedUser() : ledger.freshUser();
            if (user == null) {
                // every linked user is waiting for an answer: a new user asks for the price instead
                kind = Ledger.Kind.PRICE;
                user = ledger.freshUser();
            }
            send(user, kind).whenComplete((x, e) -> open.release());
        } catch (RuntimeException e) {
            ledger.harnessError("load tick: " + e);
        }
    }

    private Ledger.Kind pick() {
        var total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        var r = ThreadLocalRandom.current().nextDouble(total);
        for (var e : weights.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        return Ledger.Kind.HELP;
    }

    /** Sends one message of {@code kind} from {@code user} now; completes when its webhook is settled. */
    CompletableFuture<Ledger.Message> send(Ledger.User user, Ledger.Kind kind) {
        var sid = "SM" + hex(16);
        var message = ledger.sending(sid, user, kind);
        var params = params(sid, user.phone, kind.text);
        var form = params.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        var request = HttpRequest.newBuilder(target)
                .timeout(ANSWER_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("User-Agent", "TwilioProxy/1.1")
                .header("X-Twilio-Signature", sign(publicUrl, params))
                .header("I-Twilio-Idempotency-Token", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        return openWindow(user.phone)
                .thenCompose(x -> deliver(message, request, 1))
                .exceptionally(e -> {
                    ledger.harnessError("sending " + sid + ": " + e);
                    ledger.refused(message, "harness error");
                    return null;
                })
                .thenApply(x -> message);
    }

    private CompletableFuture<Void> openWindow(String phone) {
        var body = "{\"phones\":[\"" + phone + "\"]}";
        var request = HttpRequest.newBuilder(windows).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException("sandbox windows → " + response.statusCode() + " " + response.body());
            }
        });
    }

    private CompletableFuture<Void> deliver(Ledger.Message message, HttpRequest request, int attempt) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    if (failure == null) {
                        if (response.statusCode() == 200) {
                            ledger.accepted(message);
                        } else {
                            ledger.refused(message, "HTTP " + response.statusCode());
                        }
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    var cause = failure instanceof CompletionException && failure.getCause() != null
                            ? failure.getCause() : failure;
                    if (connectionFailed(cause)) {
                        if (attempt == 1) {
                            return deliver(message, request, 2);
                        }
                        ledger.refused(message, "no connection (" + cause.getClass().getSimpleName() + "), retried once");
                    } else if (cause instanceof HttpTimeoutException) {
                        ledger.refused(message, "no answer within " + ANSWER_TIMEOUT.toSeconds() + " s");
                    } else {
                        ledger.refused(message, cause.getClass().getSimpleName());
                    }
                    return CompletableFuture.<Void>completedFuture(null);
                })
                .thenCompose(f -> f);
    }

    /** Twilio's default retry covers a connection that failed, not a slow or a 5xx answer. */
    private static boolean connectionFailed(Throwable cause) {
        if (cause instanceof HttpConnectTimeoutException) {
            return true;
        }
        return cause instanceof IOException && !(cause instanceof HttpTimeoutException);
    }

    private static Map<String, String> params(String sid, String phone, String body) {
        var params = new LinkedHashMap<String, String>();
        params.put("MessageSid", sid);
        params.put("SmsMessageSid", sid);
        params.put("SmsSid", sid);
        params.put("AccountSid", ACCOUNT_SID);
        params.put("From", "whatsapp:" + phone);
        params.put("To", OUR_NUMBER);
        params.put("Body", body);
        params.put("NumMedia", "0");
        params.put("NumSegments", "1");
        params.put("SmsStatus", "received");
        params.put("ApiVersion", "2010-04-01");
        params.put("ProfileName", "Sam");
        params.put("WaId", phone.substring(1));
        params.put("MessageType", "text");
        return params;
    }

    static String sign(String url, Map<String, String> params) {
        var data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, value) -> data.append(name).append(value));
        try {
            var mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(AUTH_TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private String hex(int bytes) {
        var b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            var t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops sending; webhooks already out finish on their own. */
    void stop() {
        ticker.shutdownNow();
    }

    @Override
    public void close() {
        stop();
        io.shutdownNow();
    }
}
