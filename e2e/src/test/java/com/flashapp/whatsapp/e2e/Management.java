package com.flashapp.whatsapp.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** Calls to RabbitMQ's management API (vhosts, permissions, queues, taps), as guest, over HTTP/1.1. */
final class Management {

    static final String BASE = "http://127.0.0.1:15672";

    // HTTP/1.1: the JDK client's h2c upgrade on a request with a body is not answered by the management API
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Management() {
    }

    /**
     * One call; {@code url} is absolute or a path under {@link #BASE}. Returns the body when the status is one of
     * {@code expected} (any 2xx when none is given), else throws saying what answered.
     */
    static String call(String method, String url, String body, int... expected) throws Exception {
        var target = url.startsWith("http") ? url : BASE + url;
        var request = HttpRequest.newBuilder(URI.create(target))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", authorization())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        boolean ok = expected.length == 0 && status / 100 == 2;
        for (var wanted : expected) {
            ok |= status == wanted;
        }
        if (!ok) {
            throw new IllegalStateException(method + " " + target + " answered " + status + " " + response.body()
                    + " (is the RabbitMQ management plugin on? deploy/local/infra.sh enables it)");
        }
        return response.body();
    }

    static String authorization() {
        return "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
    }
}
