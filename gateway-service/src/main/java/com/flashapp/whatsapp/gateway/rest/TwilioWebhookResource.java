package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.service.TwilioWebhookService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Twilio's webhooks. The body is read raw (any content type) so the service can check the signature first and
 * then see duplicate parameters and invalid UTF-8 that a framework's form parsing would hide. The raw query string
 * (part of what Twilio signs) is taken from the Vert.x request as received, without building and re-parsing a URI.
 * Runs on the event loop: nothing here blocks.
 */
@Path("/webhooks/twilio")
public class TwilioWebhookResource {

    static final String SIGNATURE = "X-Twilio-Signature";
    static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    private final TwilioWebhookService service;
    private final GatewayMetrics metrics;

    public TwilioWebhookResource(TwilioWebhookService service, GatewayMetrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    @POST
    @Path("/messages")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> messages(byte[] body, @HeaderParam("Content-Type") String contentType,
                                  @HeaderParam(SIGNATURE) String signature, @Context HttpServerRequest request) {
        var start = System.nanoTime();
        metrics.received(TwilioWebhookService.MESSAGES);
        return timed(TwilioWebhookService.MESSAGES, start,
                service.onMessage(orEmpty(body), contentType, signature, request.query())
                        .map(outcome -> Response.ok(EMPTY_TWIML, "text/xml;charset=UTF-8").build()));
    }

    @POST
    @Path("/status")
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> status(byte[] body, @HeaderParam("Content-Type") String contentType,
                                @HeaderParam(SIGNATURE) String signature, @Context HttpServerRequest request) {
        var start = System.nanoTime();
        metrics.received(TwilioWebhookService.STATUS);
        return timed(TwilioWebhookService.STATUS, start,
                service.onStatus(orEmpty(body), contentType, signature, request.query())
                        .map(outcome -> Response.noContent().build()));
    }

    private Uni<Response> timed(String endpoint, long start, Uni<Response> answer) {
        return answer.onItemOrFailure().invoke((response, failure) -> {
            int status = response != null ? response.getStatus()
                    : failure instanceof WebhookProblem p ? p.status() : 500;
            metrics.ack(endpoint, status, System.nanoTime() - start);
        });
    }

    static byte[] orEmpty(byte[] body) {
        return body == null ? new byte[0] : body;
    }
}
