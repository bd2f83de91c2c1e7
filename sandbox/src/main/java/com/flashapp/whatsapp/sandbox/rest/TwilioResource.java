package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import com.flashapp.whatsapp.sandbox.fault.Faults;
import com.flashapp.whatsapp.sandbox.twilio.SenderRateLimits;
import com.flashapp.whatsapp.sandbox.twilio.TwilioError;
import com.flashapp.whatsapp.sandbox.twilio.TwilioSimulator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;

/** Twilio's Messages API (the part the product uses): create and fetch, HTTP Basic auth, Twilio's error JSON. */
@Path("/2010-04-01/Accounts/{accountSid}")
@Produces(MediaType.APPLICATION_JSON)
public class TwilioResource {

    private final TwilioSimulator simulator;
    private final SandboxConfig config;
    private final Faults faults;
    private final SenderRateLimits rateLimits;

    public TwilioResource(TwilioSimulator simulator, SandboxConfig config, Faults faults,
                          SenderRateLimits rateLimits) {
        this.simulator = simulator;
        this.config = config;
        this.faults = faults;
        this.rateLimits = rateLimits;
    }

    @POST
    @Path("/Messages.json")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> create(@PathParam("accountSid") String accountSid,
                                @HeaderParam("Authorization") String authorization,
                                MultivaluedMap<String, String> form) {
        var latency = faults.twilio().latencyMs();
        Uni<Response> response = Uni.createFrom().item(() -> doCreate(accountSid, authorization, form));
        return latency > 0 ? response.onItem().delayIt().by(Duration.ofMillis(latency)) : response;
    }

    private Response doCreate(String accountSid, String authorization, MultivaluedMap<String, String> form) {
        var denied = authenticate(accountSid, authorization);
        if (denied != null) {
            return denied;
        }
        var failure = faults.twilio().failure();
        if (failure.filter("http429"::equals).isPresent()) {
            return error(TwilioError.of(429, 20429, "Too Many Requests"));
        }
        if (failure.filter(m -> m.equals("http500") || m.equals("graphqlError")).isPresent()) {
            return error(TwilioError.of(500, 20500, "An internal server error has occurred"));
        }
        var request = new TwilioSimulator.SendRequest(form.getFirst("To"), form.getFirst("From"),
                form.getFirst("MessagingServiceSid"), form.getFirst("Body"),
                form.get("MediaUrl") == null ? List.of() : form.get("MediaUrl"), form.getFirst("ContentSid"),
                form.getFirst("ContentVariables"), form.getFirst("StatusCallback"));
        var invalid = simulator.validate(request);
        if (invalid.isPresent()) {
            return error(invalid.get());
        }
        var tooFast = rateLimits.take(simulator.from(request));
        if (tooFast.isPresent()) {
            // the sender's throughput limit: refused, not queued, with when to try again (whole seconds, as HTTP has)
            long seconds = Math.max(1, (tooFast.get().toMillis() + 999) / 1000);
            return Response.status(429).type(MediaType.APPLICATION_JSON).header("Retry-After", seconds)
                    .entity(TwilioError.of(429, 20429, "Too Many Requests")).build();
        }
        return Response.status(201).entity(simulator.resource(simulator.accept(request))).build();
    }

    /** List (newest first, one page), filtered by To/From like Twilio's Messages list. */
    @GET
    @Path("/Messages.json")
    public Response list(@PathParam("accountSid") String accountSid, @HeaderParam("Authorization") String authorization,
                         @QueryParam("To") String to, @QueryParam("From") String from,
                         @QueryParam("PageSize") @DefaultValue("50") int pageSize) {
        var denied = authenticate(accountSid, authorization);
        if (denied != null) {
            return denied;
        }
        var size = Math.max(1, Math.min(pageSize, 1000));
        var messages = new ArrayList<>(simulator.sentTo(to));
        Collections.reverse(messages);
        var page = messages.stream().filter(m -> from == null || from.equals(simulator.resource(m).get("from")))
                .limit(size).map(simulator::resource).toList();
        var uri = "/2010-04-01/Accounts/" + accountSid + "/Messages.json?PageSize=" + size;
        var body = new LinkedHashMap<String, Object>();
        body.put("end", Math.max(0, page.size() - 1));
        body.put("first_page_uri", uri + "&Page=0");
        body.put("messages", page);
        body.put("next_page_uri", null);
        body.put("page", 0);
        body.put("page_size", size);
        body.put("previous_page_uri", null);
        body.put("start", 0);
        body.put("uri", uri + "&Page=0");
        return Response.ok(body).build();
    }

    @GET
    @Path("/Messages/{sid}.json")
    public Response fetch(@PathParam("accountSid") String accountSid, @PathParam("sid") String sid,
                          @HeaderParam("Authorization") String authorization) {
        var denied = authenticate(accountSid, authorization);
        if (denied != null) {
            return denied;
        }
        return simulator.find(sid)
                .map(m -> Response.ok(simulator.resource(m)).build())
                .orElseGet(() -> error(TwilioError.of(404, 20404, "The requested resource "
                        + "/2010-04-01/Accounts/" + accountSid + "/Messages/" + sid + ".json was not found")));
    }

    /**
     * An inbound message's media (a voice note): like Twilio, with Basic auth, a redirect ({@code 307}) to a
     * short-lived storage URL that must be fetched <em>without</em> credentials; 404 once deleted. Twilio faults
     * apply ({@code http500}, {@code http429}, {@code drop} → 503, {@code latency}).
     */
    @GET
    @Path("/Messages/{messageSid}/Media/{mediaSid}")
    public Uni<Response> media(@PathParam("accountSid") String accountSid, @PathParam("messageSid") String messageSid,
                               @PathParam("mediaSid") String mediaSid, @HeaderParam("Authorization") String authorization,
                               @Context UriInfo uri) {
        var latency = faults.twilio().latencyMs();
        Uni<Response> response = Uni.createFrom().item(() -> {
            var denied = authenticate(accountSid, authorization);
            if (denied != null) {
                return denied;
            }
            var failed = failure();
            if (failed != null) {
                return failed;
            }
            return simulator.media(messageSid, mediaSid)
                    .map(m -> Response.temporaryRedirect(uri.getBaseUriBuilder().path("sandbox/media-storage")
                            .path(simulator.contentToken(mediaSid)).build()).build())
                    .orElseGet(() -> mediaNotFound(accountSid, messageSid, mediaSid));
        });
        return latency > 0 ? response.onItem().delayIt().by(Duration.ofMillis(latency)) : response;
    }

    /** Deletes an inbound message's media, as Twilio's {@code DELETE …/Media/{Sid}.json}: 204, or 404. */
    @DELETE
    @Path("/Messages/{messageSid}/Media/{mediaSid}.json")
    public Response deleteMedia(@PathParam("accountSid") String accountSid, @PathParam("messageSid") String messageSid,
                                @PathParam("mediaSid") String mediaSid,
                                @HeaderParam("Authorization") String authorization) {
        var denied = authenticate(accountSid, authorization);
        if (denied != null) {
            return denied;
        }
        var failed = failure();
        if (failed != null) {
            return failed;
        }
        return simulator.deleteMedia(messageSid, mediaSid) ? Response.noContent().build()
                : mediaNotFound(accountSid, messageSid, mediaSid);
    }

    private Response failure() {
        var failure = faults.twilio().failure();
        if (failure.filter("http429"::equals).isPresent()) {
            return error(TwilioError.of(429, 20429, "Too Many Requests"));
        }
        if (failure.filter("drop"::equals).isPresent()) {
            return error(TwilioError.of(503, 20503, "Service unavailable"));
        }
        if (failure.isPresent()) {
            return error(TwilioError.of(500, 20500, "An internal server error has occurred"));
        }
        return null;
    }

    private static Response mediaNotFound(String accountSid, String messageSid, String mediaSid) {
        return error(TwilioError.of(404, 20404, "The requested resource /2010-04-01/Accounts/" + accountSid
                + "/Messages/" + messageSid + "/Media/" + mediaSid + " was not found"));
    }

    /** HTTP Basic AccountSid:AuthToken, compared in constant time; null when allowed. */
    private Response authenticate(String accountSid, String authorization) {
        var expected = "Basic " + Base64.getEncoder().encodeToString(
                (config.twilio().accountSid() + ":" + config.twilio().authToken()).getBytes(StandardCharsets.UTF_8));
        if (authorization == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.trim().getBytes(StandardCharsets.UTF_8))) {
            return Response.status(401).type(MediaType.APPLICATION_JSON)
                    .header("WWW-Authenticate", "Basic realm=\"Twilio API\"")
                    .entity(TwilioError.of(401, 20003, "Authenticate")).build();
        }
        if (!config.twilio().accountSid().equals(accountSid)) {
            return error(TwilioError.of(404, 20404, "The requested resource /2010-04-01/Accounts/" + accountSid
                    + "/Messages.json was not found"));
        }
        return null;
    }

    private static Response error(TwilioError error) {
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
