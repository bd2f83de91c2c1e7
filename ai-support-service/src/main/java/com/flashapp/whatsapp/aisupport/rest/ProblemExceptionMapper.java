package com.flashapp.whatsapp.aisupport.rest;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Locale;

/** The one exception mapper: every error becomes a JSON problem body, never a stack trace. */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<Throwable> {

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof ProblemException p) {
            return problem(p.status(), p.title(), p.getMessage());
        }
        if (error instanceof WebApplicationException web) {
            var status = web.getResponse().getStatus();
            return problem(status, Response.Status.fromStatusCode(status) == null ? "Error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase(), "The request could not be served.");
        }
        Log.errorf("Unexpected error on the operator API: %s", error.toString());
        return problem(500, "Internal Server Error", "Something went wrong; see the service logs.");
    }

    private static Response problem(int status, String title, String detail) {
        var type = "https://flashapp.me/problems/" + title.toLowerCase(Locale.ROOT).replace(' ', '-');
        return Response.status(status).type("application/problem+json")
                .entity(new Problem(type, title, status, detail)).build();
    }
}
