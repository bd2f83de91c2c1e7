package com.flashapp.whatsapp.aisupport.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** maple-proxy's OpenAI-compatible chat endpoint; base URL {@code quarkus.rest-client.maple.url} (ends in /v1). */
@RegisterRestClient(configKey = "maple")
interface MapleApi {

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<ChatCompletion.Response> complete(@HeaderParam("Authorization") String authorization,
                                          ChatCompletion.Request request);

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<ChatCompletion.Models> models(@HeaderParam("Authorization") String authorization);
}
