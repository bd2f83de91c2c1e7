package com.flashapp.whatsapp.sandbox.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one exception mapper: a JSON problem body, never a stack trace. */
public class ProblemMapper {

    @ServerExceptionMapper
    public Response badRequest(IllegalArgumentException e) {
        return Problem.response(400, "Bad request", e.getMessage());
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return Problem.response(400, "Bad request", "The body is not valid JSON for this endpoint");
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        var status = e.getResponse().getStatus();
        return Problem.response(status, Response.Status.fromStatusCode(status) == null ? "Error"
                : Response.Status.fromStatusCode(status).getReasonPhrase(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Exception e) {
        Log.errorf(e, "Sandbox: unexpected error");
        return Problem.response(500, "Internal Server Error", "The sandbox failed; see its log");
    }
}
