package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.service.FlashWebhookService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Flash account callbacks (Svix-signed JSON); the raw bytes are what the signature covers. */
@Path("/webhooks/flash")
public class FlashWebhookResource {

    private final FlashWebhookService service;
    private final GatewayMetrics metrics;

    public FlashWebhookResource(FlashWebhookService service, GatewayMetrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> callback(byte[] body, @HeaderParam("Content-Type") String contentType,
                                  @HeaderParam("svix-id") String id,
                                  @HeaderParam("svix-timestamp") String timestamp,
                                  @HeaderParam("svix-signature") String signature) {
        var start = System.nanoTime();
        metrics.received(FlashWebhookService.FLASH);
        return service.onCallback(TwilioWebhookResource.orEmpty(body), contentType, id, timestamp, signature)
                .map(outcome -> Response.noContent().build())
                .onItemOrFailure().invoke((response, failure) -> metrics.ack(FlashWebhookService.FLASH,
                        response != null ? response.getStatus() : failure instanceof WebhookProblem p ? p.status() : 500,
                        System.nanoTime() - start));
    }
}
