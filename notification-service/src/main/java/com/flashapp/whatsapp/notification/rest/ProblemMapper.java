package com.flashapp.whatsapp.notification.rest;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Every HTTP error as an RFC 7807 style problem body; never a stack trace. */
@Provider
public class ProblemMapper implements ExceptionMapper<Throwable> {

    public record Problem(String type, String title, int status, String detail) {
    }

    @Override
    public Response toResponse(Throwable e) {
        int status;
        String detail;
        if (e instanceof WebApplicationException w) {
            status = w.getResponse().getStatus();
            detail = w.getMessage();
        } else {
            status = 500;
            detail = "unexpected error; see the service log";
            Log.errorf(e, "Unhandled error");
        }
        var title = Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        return Response.status(status)
                .type(MediaType.valueOf("application/problem+json"))
                .entity(new Problem("about:blank", title, status, detail))
                .build();
    }
}
