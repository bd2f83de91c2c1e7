package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.fault.Fault;
import com.flashapp.whatsapp.sandbox.fault.Faults;
import com.flashapp.whatsapp.sandbox.twilio.TwilioSimulator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

    public TwilioControlResource(TwilioSimulator simulator, Faults faults) {
        this.simulator = simulator;
        this.faults = faults;
    }

    @GET
    @Path("/messages")
    public List<Map<String, Object>> messages(@QueryParam("to") String to) {
        return simulator.sentTo(to).stream().map(TwilioSimulator::view).toList();
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
