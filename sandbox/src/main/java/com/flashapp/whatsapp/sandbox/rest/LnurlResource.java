package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import com.flashapp.whatsapp.sandbox.flash.FlashState;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A wallet outside Flash that serves LNURL-pay for every user name: {@code GET /sandbox/lnurl/.well-known/lnurlp/
 * <user>} (LUD-16 → LUD-06 {@code payRequest}) and its callback {@code ?amount=<msat>} answering {@code {pr}}, an
 * invoice the Flash simulator treats as an external payment. The user {@code mismatch} answers an invoice for 1 sat
 * more than asked and {@code broken} answers a non-payRequest tag, so clients can test their checks. Errors follow
 * LUD-06: HTTP 200 {@code {"status":"ERROR","reason":…}}.
 */
@Path("/sandbox/lnurl")
@Produces(MediaType.APPLICATION_JSON)
public class LnurlResource {

    private final SandboxConfig.Lnurl config;
    private final FlashState state;

    public LnurlResource(SandboxConfig config, FlashState state) {
        this.config = config.lnurl();
        this.state = state;
    }

    @GET
    @Path("/.well-known/lnurlp/{user}")
    public Map<String, Object> payRequest(@PathParam("user") String user, @Context UriInfo uri) {
        if (!user.matches("[a-z0-9_.-]{1,64}")) {
            return error("Unknown user");
        }
        var body = new LinkedHashMap<String, Object>();
        body.put("tag", "broken".equals(user) ? "withdrawRequest" : "payRequest");
        body.put("callback", uri.getBaseUriBuilder().path("sandbox/lnurl/callback").path(user).build().toString());
        body.put("minSendable", config.minSendableMsat());
        body.put("maxSendable", config.maxSendableMsat());
        body.put("metadata", "[[\"text/plain\",\"Pay " + user + " (sandbox outside wallet)\"],[\"text/identifier\",\""
                + user + "@wallet.example\"]]");
        body.put("commentAllowed", 0);
        return body;
    }

    @GET
    @Path("/callback/{user}")
    public Map<String, Object> callback(@PathParam("user") String user, @QueryParam("amount") Long amountMsat) {
        if (amountMsat == null || amountMsat < config.minSendableMsat() || amountMsat > config.maxSendableMsat()) {
            return error("Amount must be between " + config.minSendableMsat() + " and " + config.maxSendableMsat()
                    + " millisatoshis");
        }
        if (amountMsat % 1000 != 0) {
            return error("Amount must be whole satoshis");
        }
        var sats = amountMsat / 1000 + ("mismatch".equals(user) ? 1 : 0);
        var body = new LinkedHashMap<String, Object>();
        body.put("pr", state.outsideInvoice(sats, user + "|" + UUID.randomUUID()));
        body.put("routes", List.of());
        return body;
    }

    private static Map<String, Object> error(String reason) {
        return Map.of("status", "ERROR", "reason", reason);
    }
}
