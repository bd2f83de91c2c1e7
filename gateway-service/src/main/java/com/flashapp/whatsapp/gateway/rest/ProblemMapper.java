package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The one place where failures become HTTP answers: a JSON problem body, never a stack trace. */
public class ProblemMapper {

    private final GatewayMetrics metrics;

    public ProblemMapper(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    public Response webhookProblem(WebhookProblem problem) {
        if (problem.endpoint() != null) {
            metrics.rejected(problem.endpoint(), problem.reason());
        }
        if (problem.status() >= 500) {
            Log.warnf("answered %d (%s) on %s", problem.status(), problem.reason(), problem.endpoint());
        } else {
            // the reason only: never the body, a number or a token
            Log.infof("refused %d (%s) on %s", problem.status(), problem.reason(), problem.endpoint());
        }
        var builder = problemResponse(problem.status(), problem.reason(), problem.getMessage());
        if (problem.status() == 503) {
            builder.header("Retry-After", "1");
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        int status = e.getResponse() == null ? 400 : e.getResponse().getStatus();
        var title = Response.Status.fromStatusCode(status) == null ? "error" : Response.Status.fromStatusCode(status).getReasonPhrase();
        return problemResponse(status, slug(title), title).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        // a bug, not the caller's fault. The log keeps the class and where it was thrown, never the message: a
        // parser's or client's message may quote the request (a phone number, a message body). The caller gets no
        // internals.
        var top = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
        Log.errorf("unexpected %s at %s", e.getClass().getName(), top == null ? "?" : top.getClassName() + ":" + top.getLineNumber());
        return problemResponse(500, "internal", "Something went wrong on our side.").build();
    }

    static Response.ResponseBuilder problemResponse(int status, String reason, String detail) {
        var title = Response.Status.fromStatusCode(status) == null ? reason : Response.Status.fromStatusCode(status).getReasonPhrase();
        return Response.status(status)
                .type(Problem.MEDIA_TYPE)
                .entity(new Problem("urn:flash-whatsapp:problem:" + reason, title, status, detail));
    }

    private static String slug(String title) {
        return title.toLowerCase().replaceAll("[^a-z0-9]+", "-");
    }
}
