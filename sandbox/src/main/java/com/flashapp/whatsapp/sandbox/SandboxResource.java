package com.flashapp.whatsapp.sandbox;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** What this app is: the stand-in for Flash and Twilio in dev and tests, never deployed. */
@Path("/sandbox")
public class SandboxResource {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> about() {
        return Map.of("name", "sandbox", "standsInFor", new String[] {"Flash GraphQL API", "Twilio Messages API"});
    }
}
