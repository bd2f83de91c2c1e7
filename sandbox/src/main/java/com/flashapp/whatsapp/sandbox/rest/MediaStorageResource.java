package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.twilio.TwilioSimulator;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The storage Twilio's media URLs redirect to (pre-signed, no credentials): like S3, a request that also carries an
 * {@code Authorization} header is refused, so a client that forwards Twilio's Basic auth across the redirect fails
 * here as it would in production.
 */
@Path("/sandbox/media-storage")
public class MediaStorageResource {

    private final TwilioSimulator simulator;

    public MediaStorageResource(TwilioSimulator simulator) {
        this.simulator = simulator;
    }

    @GET
    @Path("/{token}")
    public Response content(@PathParam("token") String token, @HeaderParam("Authorization") String authorization) {
        if (authorization != null) {
            return Response.status(400).type(MediaType.APPLICATION_XML)
                    .entity("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed; only the "
                            + "X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization "
                            + "header should be specified</Message></Error>").build();
        }
        return simulator.mediaContent(token)
                .map(m -> Response.ok(m.bytes(), m.contentType()).header("Content-Length", m.bytes().length).build())
                .orElseGet(() -> Response.status(404).type(MediaType.APPLICATION_XML)
                        .entity("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
                                + "</Error>").build());
    }
}
