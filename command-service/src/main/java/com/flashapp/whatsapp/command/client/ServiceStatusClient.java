package com.flashapp.whatsapp.command.client;

import com.flashapp.whatsapp.command.config.CommandConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * What "admin status" asks: each service's readiness endpoint and the RabbitMQ management API's queue depths.
 * Non-blocking Vert.x HTTP with a short timeout; an unreachable service is reported as down, never thrown.
 */
@ApplicationScoped
public class ServiceStatusClient {

    /** A queue and how many messages it holds (ready plus unacknowledged). */
    public record QueueDepth(String name, long messages) {
    }

    private final HttpClient http;
    private final CommandConfig.Status config;
    private final Duration timeout;

    public ServiceStatusClient(Vertx vertx, CommandConfig config) {
        this.http = vertx.createHttpClient();
        this.config = config.status();
        this.timeout = config.status().timeout();
    }

    /** Whether a readiness URL answers 200. */
    public Uni<Boolean> ready(String url) {
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                        .setIdleTimeout(timeout.toMillis()))
                .flatMap(request -> request.send())
                .map(response -> response.statusCode() == 200)
                .ifNoItem().after(timeout).fail()
                .onFailure().recoverWithItem(e -> {
                    Log.debugf("Readiness of %s failed: %s", url, e.toString());
                    return false;
                });
    }

    /** The queues of the configured virtual host with their depths; null when the management API is unreachable. */
    public Uni<List<QueueDepth>> queues() {
        var url = config.managementUrl() + "/api/queues/"
                + URLEncoder.encode(config.virtualHost(), StandardCharsets.UTF_8) + "?columns=name,messages";
        var credentials = Base64.getEncoder().encodeToString(
                (config.managementUsername() + ":" + config.managementPassword().orElse("")).getBytes(StandardCharsets.UTF_8));
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url)
                        .putHeader("Authorization", "Basic " + credentials).setIdleTimeout(timeout.toMillis()))
                .flatMap(request -> request.send())
                .flatMap(response -> response.statusCode() == 200 ? response.body()
                        : Uni.createFrom().failure(new IllegalStateException("HTTP " + response.statusCode())))
                .map(body -> {
                    var depths = new ArrayList<QueueDepth>();
                    for (var item : new JsonArray(body.toString())) {
                        var queue = (io.vertx.core.json.JsonObject) item;
                        var messages = queue.getLong("messages");
                        depths.add(new QueueDepth(queue.getString("name"), messages == null ? 0 : messages));
                    }
                    return (List<QueueDepth>) depths;
                })
                .ifNoItem().after(timeout).fail()
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("RabbitMQ management API unreachable: %s", e.toString());
                    return null;
                });
    }
}
