package com.flashapp.whatsapp.notification.client;

import com.twilio.constant.EnumConstants;
import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * The HTTP client twilio-java uses here. twilio-java has no base-URL setting (it always builds
 * {@code https://api.twilio.com/...}), so this client rewrites that prefix to the configured base URL (the
 * sandbox's simulator in dev and test, Twilio itself in prod), and it sends each request exactly once:
 * twilio-java's own {@code reliableRequest} silently repeats a POST that got a 5xx three times, which could
 * send a WhatsApp message twice and would hide the retries from our metrics. Our relay retries instead.
 * Blocking (java.net.http synchronous send): only called from worker threads.
 */
public class RedirectingTwilioHttpClient extends HttpClient {

    static final String TWILIO_API = "https://api.twilio.com";
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "upgrade");

    private final String baseUrl;
    private final Duration requestTimeout;
    private final java.net.http.HttpClient http;

    public RedirectingTwilioHttpClient(String baseUrl, Duration connectTimeout, Duration requestTimeout) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.requestTimeout = requestTimeout;
        this.http = java.net.http.HttpClient.newBuilder()
                // HTTP/1.1 with the JDK's keep-alive pool, like twilio-java's own client: without TLS the default
                // (HTTP/2) first tries an h2c upgrade and then funnels every concurrent send through one connection,
                // which measured about a third slower against the simulator
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                .build();
    }

    /** One attempt, no retry codes, no pause: every retry is the relay's, counted and backed off. */
    @Override
    public Response reliableRequest(Request request) {
        return reliableRequest(request, new int[0], 1, 0L);
    }

    @Override
    public Response makeRequest(Request request) {
        var url = rewrite(request.constructURL().toString());
        var builder = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout);
        if (request.requiresAuthentication()) {
            builder.header("Authorization", request.getAuthString());
        }
        request.getHeaderParams().forEach((name, values) -> {
            if (!RESTRICTED_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        var method = request.getMethod().toString();
        if ("POST".equals(method) || "PUT".equals(method)) {
            String body;
            String contentType;
            if (request.getContentType() == EnumConstants.ContentType.JSON && request.getBody() != null) {
                body = request.getBody();
                contentType = "application/json";
            } else {
                body = request.encodeFormBody();
                contentType = "application/x-www-form-urlencoded";
            }
            builder.header("Content-Type", contentType)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.body(), response.statusCode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling Twilio", e);
        }
    }

    String rewrite(String url) {
        return url.startsWith(TWILIO_API) ? baseUrl + url.substring(TWILIO_API.length()) : url;
    }
}
