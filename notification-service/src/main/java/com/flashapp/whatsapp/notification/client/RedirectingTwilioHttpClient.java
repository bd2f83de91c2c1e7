package com.flashapp.whatsapp.notification.client;

import com.twilio.constant.EnumConstants;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * The HTTP client twilio-java uses here. twilio-java has no base-URL setting (it always builds
 * {@code https://api.twilio.com/...}, and {@code https://content.twilio.com/...} for the Content API), so this client
 * rewrites those prefixes to the configured base URL (the
 * sandbox's simulator in dev and test, Twilio itself in prod), and it sends each request exactly once:
 * twilio-java's own {@code reliableRequest} silently repeats a POST that got a 5xx three times, which could
 * send a WhatsApp message twice and would hide the retries from our metrics. Our relay retries instead.
 * <p>
 * Apache HttpClient 5 classic (twilio-java's own dependency), blocking on the calling thread with a keep-alive
 * pool of one connection per sender thread: a send costs no hand-offs to selector or worker threads, which the
 * JDK's client needs for every request (measured: about a third of the service's CPU under load). Only called
 * from worker threads.
 */
public class RedirectingTwilioHttpClient extends HttpClient implements Closeable {

    static final String TWILIO_API = "https://api.twilio.com";
    /** Twilio's Content API host (quick-reply templates); the simulator serves it on the same base URL. */
    static final String TWILIO_CONTENT = "https://content.twilio.com";
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding");
    private static final ContentType FORM = ContentType.APPLICATION_FORM_URLENCODED.withCharset(StandardCharsets.UTF_8);
    private static final ContentType JSON = ContentType.APPLICATION_JSON.withCharset(StandardCharsets.UTF_8);

    private final String baseUrl;
    private final CloseableHttpClient http;
    /**
     * The Retry-After of the last response on this thread (null when it had none): twilio-java turns an error answer
     * into an ApiException without its headers, so the caller reads it from here, on the same thread, right after.
     */
    private final ThreadLocal<Duration> retryAfter = new ThreadLocal<>();

    /**
     * @param connections the most requests in flight at once (the relay's concurrency): the pool keeps that many
     *                    connections to Twilio open
     */
    public RedirectingTwilioHttpClient(String baseUrl, Duration connectTimeout, Duration requestTimeout,
                                       int connections) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        var pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(Math.max(1, connections))
                .setMaxConnPerRoute(Math.max(1, connections))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(requestTimeout))
                        // a connection idle this long is checked before reuse (the server may have closed it)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .build();
        this.http = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(requestTimeout)).build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }

    /** One attempt, no retry codes, no pause: every retry is the relay's, counted and backed off. */
    @Override
    public Response reliableRequest(Request request) {
        return reliableRequest(request, new int[0], 1, 0L);
    }

    @Override
    public Response makeRequest(Request request) {
        var method = request.getMethod().toString();
        var builder = ClassicRequestBuilder.create(method).setUri(rewrite(request.constructURL().toString()))
                .addHeader("Accept", "application/json");
        if (request.requiresAuthentication()) {
            builder.addHeader("Authorization", request.getAuthString());
        }
        request.getHeaderParams().forEach((name, values) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> builder.addHeader(name, value));
            }
        });
        if ("POST".equals(method) || "PUT".equals(method)) {
            builder.setEntity(request.getContentType() == EnumConstants.ContentType.JSON && request.getBody() != null
                    ? new StringEntity(request.getBody(), JSON)
                    : new StringEntity(request.encodeFormBody(), FORM));
        }
        retryAfter.remove();
        try {
            return http.execute(builder.build(), response -> {
                var header = response.getFirstHeader("Retry-After");
                retryAfter.set(header == null ? null : parseRetryAfter(header.getValue(), Clock.systemUTC()));
                return new Response(response.getEntity() == null ? ""
                        : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8), response.getCode());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The Retry-After of the last response this thread received, or null if it had none (or no response came). */
    public Duration retryAfter() {
        return retryAfter.get();
    }

    /**
     * A Retry-After value: delay-seconds or an HTTP date (RFC 9110 §10.2.3). A date already past is zero; anything
     * else unreadable is null (ignored: the relay's own backoff applies).
     */
    static Duration parseRetryAfter(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        var text = value.strip();
        try {
            long seconds = Long.parseLong(text);
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                var wait = Duration.between(clock.instant(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    String rewrite(String url) {
        if (url.startsWith(TWILIO_API)) {
            return baseUrl + url.substring(TWILIO_API.length());
        }
        // in prod the base URL is https://api.twilio.com and Content stays on its own host
        return url.startsWith(TWILIO_CONTENT) && !baseUrl.equals(TWILIO_API)
                ? baseUrl + url.substring(TWILIO_CONTENT.length()) : url;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
