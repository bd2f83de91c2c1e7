package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.fault.Fault;
import com.flashapp.whatsapp.sandbox.fault.Faults;
import com.flashapp.whatsapp.sandbox.twilio.SenderRateLimits;
import com.flashapp.whatsapp.sandbox.twilio.TwilioSimulator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;

/** Control API of the Twilio simulator: what was sent, and faults. */
@Path("/sandbox/twilio")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class TwilioControlResource {

    private final TwilioSimulator simulator;
    private final Faults faults;
    private final SenderRateLimits rateLimits;

    public TwilioControlResource(TwilioSimulator simulator, Faults faults, SenderRateLimits rateLimits) {
        this.simulator = simulator;
        this.faults = faults;
        this.rateLimits = rateLimits;
    }

    /** Body of PUT /sandbox/twilio/sender-rate: sends per second per sender (0 = no limit), bucket size. */
    public record SenderRate(Double perSecond, Integer burst) {
    }

    /** Each sender's throughput limit in force (past it: 429, code 20429). */
    @GET
    @Path("/sender-rate")
    public SenderRateLimits.Limit senderRate() {
        return rateLimits.current();
    }

    /** Sets each sender's throughput limit (buckets start full). */
    @PUT
    @Path("/sender-rate")
    public SenderRateLimits.Limit setSenderRate(SenderRate rate) {
        if (rate == null || rate.perSecond() == null) {
            throw new IllegalArgumentException("body required: {\"perSecond\": 80, \"burst\": 80}");
        }
        return rateLimits.set(rate.perSecond(), rate.burst());
    }

    /** Back to the configured limit ({@code sandbox.twilio.sender-rate-per-second}, off by default). */
    @DELETE
    @Path("/sender-rate")
    public SenderRateLimits.Limit resetSenderRate() {
        return rateLimits.reset();
    }

    /** Body of POST /sandbox/twilio/windows: E.164 numbers without the whatsapp: prefix. */
    public record Windows(List<String> phones) {
    }

    /**
     * Messages sent (to one address, or all), oldest first; from the {@code offset}-th on (0-based), so a poller
     * reads only what is new since its last call.
     */
    @GET
    @Path("/messages")
    public List<Map<String, Object>> messages(@QueryParam("to") String to,
                                              @QueryParam("offset") @DefaultValue("0") int offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be 0 or more");
        }
        return simulator.sentTo(to).stream().skip(offset).map(m -> simulator.withContent(TwilioSimulator.view(m), m)).toList();
    }

    /** Opens the 24-hour window of each user as if they had just written (no webhook is delivered). */
    @POST
    @Path("/windows")
    public Map<String, Object> openWindows(Windows windows) {
        if (windows == null || windows.phones() == null || windows.phones().isEmpty()) {
            throw new IllegalArgumentException("body required: {\"phones\": [\"+18765550123\", …]}");
        }
        simulator.openWindows(windows.phones());
        return Map.of("opened", windows.phones().size());
    }

    @GET
    @Path("/faults")
    public Object activeFaults() {
        return faults.twilio().active();
    }

    @POST
    @Path("/faults")
    public Response addFault(Fault fault) {
        faults.twilio().add(fault).ifPresent(error -> {
            throw new IllegalArgumentException(error);
        });
        return Response.ok(faults.twilio().active()).build();
    }

    @DELETE
    @Path("/faults")
    public Response clearFaults() {
        faults.twilio().clear();
        return Response.noContent().build();
    }
}
