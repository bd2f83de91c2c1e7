package com.flashapp.whatsapp.sandbox.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import com.flashapp.whatsapp.sandbox.twilio.ContentTemplates;
import com.flashapp.whatsapp.sandbox.twilio.TwilioError;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Twilio's Content API ({@code https://content.twilio.com/v1/Content}): create (JSON, 201) and fetch, HTTP Basic
 * {@code AccountSid:AuthToken}, Twilio's error JSON.
 */
@Path("/v1/Content")
@Produces(MediaType.APPLICATION_JSON)
public class TwilioContentResource {

    private final ContentTemplates contents;
    private final SandboxConfig config;
    private final ObjectMapper mapper;

    public TwilioContentResource(ContentTemplates contents, SandboxConfig config, ObjectMapper mapper) {
        this.contents = contents;
        this.config = config;
        this.mapper = mapper;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Response create(@HeaderParam("Authorization") String authorization, String body) {
        if (!authenticated(authorization)) {
            return unauthorized();
        }
        JsonNode request;
        try {
            request = mapper.readTree(body == null ? "" : body);
        } catch (Exception e) {
            return error(TwilioError.of(400, 20001, "The request body is not valid JSON."));
        }
        var result = contents.create(request);
        return result.error() != null ? error(result.error())
                : Response.status(201).entity(contents.resource(result.template())).build();
    }

    @GET
    @Path("/{sid}")
    public Response fetch(@HeaderParam("Authorization") String authorization, @PathParam("sid") String sid) {
        if (!authenticated(authorization)) {
            return unauthorized();
        }
        return contents.find(sid).map(t -> Response.ok(contents.resource(t)).build())
                .orElseGet(() -> error(TwilioError.of(404, 20404,
                        "The requested resource /v1/Content/" + sid + " was not found")));
    }

    /** HTTP Basic AccountSid:AuthToken, compared in constant time. */
    private boolean authenticated(String authorization) {
        var expected = "Basic " + Base64.getEncoder().encodeToString(
                (config.twilio().accountSid() + ":" + config.twilio().authToken()).getBytes(StandardCharsets.UTF_8));
        return authorization != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                authorization.trim().getBytes(StandardCharsets.UTF_8));
    }

    private static Response unauthorized() {
        return Response.status(401).type(MediaType.APPLICATION_JSON)
                .header("WWW-Authenticate", "Basic realm=\"Twilio API\"")
                .entity(TwilioError.of(401, 20003, "Authenticate")).build();
    }

    private static Response error(TwilioError error) {
        return Response.status(error.status()).type(MediaType.APPLICATION_JSON).entity(error).build();
    }
}
