package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.service.FlashWebhookService;
import com.flashapp.whatsapp.gateway.service.TwilioWebhookService;
import io.quarkus.logging.Log;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses a webhook whose declared {@code Content-Length} is over its endpoint's limit before a byte of the body is
 * read: 413 with the same problem body as every other refusal, and the connection closed (the rest of the body is
 * never read). Runs ahead of Quarkus' own upload limit ({@code quarkus.http.limits.max-body-size}, which answers
 * with an empty body). A chunked body has no declared length: it is read up to that hard cap and then measured by
 * the webhook services before anything is parsed.
 */
@ApplicationScoped
public class BodySizeFilter {

    static final String FLASH_PATH = "/webhooks/flash";
    /** Most of a refused body read (and dropped) before the connection is closed. */
    static final long LINGER_BYTES = 2 * 1024 * 1024;
    /** Longest wait for a refused body to end before the connection is closed. */
    static final long LINGER_MILLIS = 2_000;

    private final GatewayMetrics metrics;
    private final int maxFormBytes;
    private final int maxFlashBytes;

    public BodySizeFilter(GatewayMetrics metrics, GatewayConfig config) {
        this.metrics = metrics;
        this.maxFormBytes = config.inbound().maxFormBytes();
        this.maxFlashBytes = config.flash().maxBodyBytes();
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::check);
    }

    void check(RoutingContext ctx) {
        var declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (declared == null) {
            ctx.next();
            return;
        }
        var path = ctx.normalizedPath();
        String endpoint;
        int limit;
        if (TwilioWebhookService.MESSAGES_PATH.equals(path)) {
            endpoint = TwilioWebhookService.MESSAGES;
            limit = maxFormBytes;
        } else if (TwilioWebhookService.STATUS_PATH.equals(path)) {
            endpoint = TwilioWebhookService.STATUS;
            limit = maxFormBytes;
        } else if (FLASH_PATH.equals(path)) {
            endpoint = FlashWebhookService.FLASH;
            limit = maxFlashBytes;
        } else {
            ctx.next();
            return;
        }
        long length;
        try {
            length = Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1; // the HTTP codec refuses such a header before this runs; measured after reading if not
        }
        if (length <= limit) {
            ctx.next();
            return;
        }
        metrics.rejected(endpoint, "body-too-large");
        Log.infof("refused 413 (body-too-large) on %s", endpoint);
        var problem = new JsonObject()
                .put("type", "urn:flash-whatsapp:problem:body-too-large")
                .put("title", "Request Entity Too Large")
                .put("status", 413)
                .put("detail", "The request body is too large.");
        lingerThenClose(ctx);
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE)
                .end(problem.encode());
    }

    /**
     * The client is usually still sending the body. Closing at once with unread bytes makes the kernel send a reset,
     * and a reset can make the client lose the 413 it was sent; so the body is read and thrown away — at most
     * {@link #LINGER_BYTES}, for at most {@link #LINGER_MILLIS} — and then the connection is closed.
     */
    private static void lingerThenClose(RoutingContext ctx) {
        var request = ctx.request();
        var connection = request.connection();
        var discarded = new long[1];
        var timer = ctx.vertx().setTimer(LINGER_MILLIS, t -> connection.close());
        request.handler(buffer -> {
            discarded[0] += buffer.length();
            if (discarded[0] > LINGER_BYTES) {
                ctx.vertx().cancelTimer(timer);
                connection.close();
            }
        });
        request.exceptionHandler(e -> connection.close());
        request.endHandler(v -> {
            ctx.vertx().cancelTimer(timer);
            connection.close();
        });
        request.resume();
    }
}
