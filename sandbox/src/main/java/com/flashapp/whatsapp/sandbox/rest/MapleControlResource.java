package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.fault.Fault;
import com.flashapp.whatsapp.sandbox.fault.Faults;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Faults of the Maple stand-in (same body as the Flash and Twilio faults). */
@Path("/sandbox/maple/faults")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MapleControlResource {

    private final Faults faults;

    public MapleControlResource(Faults faults) {
        this.faults = faults;
    }

    @GET
    public Object active() {
        return faults.maple().active();
    }

    @POST
    public Response add(Fault fault) {
        faults.maple().add(fault).ifPresent(error -> {
            throw new IllegalArgumentException(error);
        });
        return Response.ok(faults.maple().active()).build();
    }

    @DELETE
    public Response clear() {
        faults.maple().clear();
        return Response.noContent().build();
    }
}
