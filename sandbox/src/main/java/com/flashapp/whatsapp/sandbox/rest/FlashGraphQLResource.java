package com.flashapp.whatsapp.sandbox.rest;

import com.flashapp.whatsapp.sandbox.fault.Faults;
import com.flashapp.whatsapp.sandbox.flash.FlashGraphQL;
import com.flashapp.whatsapp.sandbox.flash.FlashState;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Flash's GraphQL HTTP endpoint: POST /graphql, Bearer session tokens, faults injected before execution. */
@Path("/graphql")
public class FlashGraphQLResource {

    /** The JSON body of a GraphQL request. */
    public record GraphQLRequest(String query, String operationName, Map<String, Object> variables) {
    }

    private static final Pattern UUID_V4 = Pattern.compile(
            "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", Pattern.CASE_INSENSITIVE);

    private final FlashGraphQL graphQL;
    private final FlashState state;
    private final Faults faults;

    public FlashGraphQLResource(FlashGraphQL graphQL, FlashState state, Faults faults) {
        this.graphQL = graphQL;
        this.state = state;
        this.faults = faults;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> execute(GraphQLRequest body, @HeaderParam("Authorization") String authorization,
                                 @HeaderParam("X-Idempotency-Key") String idempotencyKey,
                                 @Context HttpServerRequest request) {
        if (idempotencyKey != null && !UUID_V4.matcher(idempotencyKey).matches()) {
            // Flash rejects a non-UUID-v4 X-Idempotency-Key before running the request
            return Uni.createFrom().item(Response.status(400).type(MediaType.APPLICATION_JSON).entity(Map.of(
                    "errors", List.of(Map.of("message", "X-Idempotency-Key must be a UUID v4",
                            "extensions", Map.of("code", "INVALID_INPUT"))))).build());
        }
        // a fault may target one operation (by operationName), e.g. only the fee probes
        var operation = body == null ? null : body.operationName();
        var latency = faults.flash().latencyMs(operation);
        var failure = faults.flash().failure(operation);
        Uni<Response> response;
        if (failure.isPresent()) {
            response = Uni.createFrom().item(() -> fault(failure.get(), request));
        } else {
            response = run(body, authorization);
        }
        return latency > 0 ? response.onItem().delayIt().by(Duration.ofMillis(latency)) : response;
    }

    private Uni<Response> run(GraphQLRequest body, String authorization) {
        if (body == null || body.query() == null || body.query().isBlank()) {
            return Uni.createFrom().item(Response.status(400).type(MediaType.APPLICATION_JSON).entity(Map.of(
                    "errors", List.of(Map.of("message", "GraphQL operations must contain a non-empty `query`.",
                            "extensions", Map.of("code", "BAD_REQUEST"))))).build());
        }
        String token = null;
        String userId = null;
        if (authorization != null && !authorization.isBlank()) {
            // the mobile app sends an empty Authorization header when anonymous; anything else must be a live session
            token = authorization.startsWith("Bearer ") ? authorization.substring(7).trim() : null;
            userId = token == null || token.isEmpty() ? null : state.session(token).orElse(null);
            if (userId == null) {
                return Uni.createFrom().item(unauthorized());
            }
        }
        return Uni.createFrom().completionStage(graphQL.execute(body.query(), body.operationName(), body.variables(),
                        userId, token))
                .map(result -> Response.ok(FlashGraphQL.toSpecification(result), MediaType.APPLICATION_JSON).build());
    }

    /** What Flash's gateway (Ory Oathkeeper) answers for an unknown or expired bearer token. */
    private static Response unauthorized() {
        return Response.status(401).type(MediaType.APPLICATION_JSON).entity(Map.of("error", Map.of(
                "code", 401, "status", "Unauthorized", "message", "The request could not be authorized"))).build();
    }

    private static Response fault(String mode, HttpServerRequest request) {
        return switch (mode) {
            case "http500" -> Response.status(500).type(MediaType.TEXT_PLAIN).entity("Internal Server Error").build();
            case "http429" -> Response.status(429).type(MediaType.APPLICATION_JSON).entity(Map.of("errors", List.of(
                    Map.of("message", "Too many requests", "extensions", Map.of("code", "TOO_MANY_REQUESTS",
                            "retryAfterSeconds", 1))))).build();
            case "graphqlError" -> {
                var body = new LinkedHashMap<String, Object>();
                body.put("errors", List.of(Map.of("message", "Internal server error",
                        "extensions", Map.of("code", "INTERNAL_SERVER_ERROR"))));
                body.put("data", null);
                yield Response.ok(body, MediaType.APPLICATION_JSON).build();
            }
            default -> {
                // drop: the connection goes away without an answer, like a crashed upstream
                request.connection().close();
                yield Response.status(503).build();
            }
        };
    }
}
