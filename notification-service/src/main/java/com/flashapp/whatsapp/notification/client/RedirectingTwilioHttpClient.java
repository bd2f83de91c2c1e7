package com.flashapp.whatsapp.notification.client;

import com.twilio.constant.EnumConstants;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP client twilio-java uses here. twilio-java has no base-URL setting (it always builds
 * {@code https://api.twilio.com/...}), so this client rewrites that prefix to the configured base URL (the
 * sandbox's simulator in dev and test, Twilio itself in prod), and it sends each request exactly once:
 * twilio-java's own {@code reliableRequest} silently repeats a POST that got a 5xx three times, which could
 * send a WhatsApp message twice and would hide the retries from our metrics. Our relay retries instead.
 * <p>
 * The request itself goes through the application's Vert.x HTTP client (HTTP/1.1 keep-alive, TLS for
 * {@code https} with the JVM's trust store): its I/O runs on the event loops, so a send costs no extra threads
 * (the JDK client's selector and worker threads took ~0.2 ms of CPU per send on the benchmark). Blocking: the
 * caller (a relay sender thread, never an event loop) waits for the answer.
 */
public class RedirectingTwilioHttpClient extends HttpClient {

    static final String TWILIO_API = "https://api.twilio.com";
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    private final String baseUrl;
    private final Duration requestTimeout;
    private final io.vertx.core.http.HttpClient http;

    /** {@code connections}: most requests in flight at once (one per keep-alive connection). */
    public RedirectingTwilioHttpClient(Vertx vertx, String baseUrl, Duration connectTimeout, Duration requestTimeout,
                                       int connections) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.requestTimeout = requestTimeout;
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setMaxPoolSize(Math.max(1, connections))
                .setConnectTimeout((int) connectTimeout.toMillis()));
    }

    /** One attempt, no retry codes, no pause: every retry is the relay's, counted and backed off. */
    @Override
    public Response reliableRequest(Request request) {
        return reliableRequest(request, new int[0], 1, 0L);
    }

    @Override
    public Response makeRequest(Request request) {
        var options = new RequestOptions()
                .setAbsoluteURI(rewrite(request.constructURL().toString()))
                .setMethod(HttpMethod.valueOf(request.getMethod().toString()))
                .setFollowRedirects(false)
                .setTimeout(requestTimeout.toMillis());
        if (request.requiresAuthentication()) {
            options.putHeader("Authorization", request.getAuthString());
        }
        request.getHeaderParams().forEach((name, values) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> options.addHeader(name, value));
            }
        });
        Buffer body = null;
        var method = request.getMethod().toString();
        if ("POST".equals(method) || "PUT".equals(method)) {
            boolean json = request.getContentType() == EnumConstants.ContentType.JSON && request.getBody() != null;
            options.putHeader("Content-Type", json ? "application/json" : "application/x-www-form-urlencoded");
            body = Buffer.buffer(json ? request.getBody() : request.encodeFormBody(), "UTF-8");
        }
        var payload = body;
        var answer = http.request(options)
                .compose(r -> payload == null ? r.send() : r.send(payload))
                .compose(r -> r.body().map(b -> new Response(b.toString(StandardCharsets.UTF_8), r.statusCode())));
        try {
            // the request's own timeout fires first; this only guards against a lost completion
            return answer.toCompletionStage().toCompletableFuture()
                    .get(requestTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            var cause = e.getCause() == null ? e : e.getCause();
            throw new UncheckedIOException(cause instanceof IOException io ? io : new IOException(cause.getMessage(),
                    cause));
        } catch (TimeoutException e) {
            throw new UncheckedIOException(new IOException("no answer from Twilio within " + requestTimeout, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling Twilio", e);
        }
    }

    String rewrite(String url) {
        return url.startsWith(TWILIO_API) ? baseUrl + url.substring(TWILIO_API.length()) : url;
    }
}
