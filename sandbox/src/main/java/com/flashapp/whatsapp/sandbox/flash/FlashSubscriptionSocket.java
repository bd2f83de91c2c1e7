package com.flashapp.whatsapp.sandbox.flash;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import graphql.ExecutionResult;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Vertx;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Flash's subscription endpoint: the graphql-transport-ws protocol (npm graphql-ws v5) on /graphql, session token
 * in the connection_init payload ({"Authorization": "Bearer <token>"}).
 */
@WebSocket(path = "/graphql")
public class FlashSubscriptionSocket {

    /** Per-connection protocol state. */
    private static final class Session {
        volatile boolean initialised;
        volatile String userId;
        final Map<String, Cancellable> operations = new ConcurrentHashMap<>();
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final FlashGraphQL graphQL;
    private final FlashState state;
    private final ObjectMapper mapper;

    private final Vertx vertx;
    private final SandboxConfig config;

    public FlashSubscriptionSocket(FlashGraphQL graphQL, FlashState state, ObjectMapper mapper, Vertx vertx,
                                   SandboxConfig config) {
        this.graphQL = graphQL;
        this.state = state;
        this.mapper = mapper;
        this.vertx = vertx;
        this.config = config;
    }

    /** Like graphql-ws: no connection_init within the timeout closes the socket with 4408. */
    @OnOpen
    public void onOpen(WebSocketConnection connection) {
        var session = sessions.computeIfAbsent(connection.id(), id -> new Session());
        vertx.setTimer(Math.max(1, config.flash().wsInitTimeout().toMillis()), timer -> {
            if (!session.initialised && connection.isOpen()) {
                connection.close(new CloseReason(4408, "Connection initialisation timeout"))
                        .subscribe().with(x -> { }, e -> { });
            }
        });
    }

    @OnTextMessage
    public Uni<Void> onMessage(String text, WebSocketConnection connection) {
        var session = sessions.computeIfAbsent(connection.id(), id -> new Session());
        Map<String, Object> message;
        try {
            message = mapper.readValue(text, new TypeReference<>() {
            });
        } catch (Exception e) {
            return connection.close(new CloseReason(4400, "Invalid message received"));
        }
        var type = String.valueOf(message.get("type"));
        switch (type) {
            case "connection_init" -> {
                return init(session, message, connection);
            }
            case "ping" -> {
                return send(connection, Map.of("type", "pong"));
            }
            case "pong" -> {
                return Uni.createFrom().voidItem();
            }
            case "subscribe" -> {
                if (!session.initialised) {
                    return connection.close(new CloseReason(4401, "Unauthorized"));
                }
                return subscribe(session, message, connection);
            }
            case "complete" -> {
                var operation = session.operations.remove(String.valueOf(message.get("id")));
                if (operation != null) {
                    operation.cancel();
                }
                return Uni.createFrom().voidItem();
            }
            default -> {
                return connection.close(new CloseReason(4400, "Invalid message received"));
            }
        }
    }

    @OnClose
    public void onClose(WebSocketConnection connection) {
        var session = sessions.remove(connection.id());
        if (session != null) {
            session.operations.values().forEach(Cancellable::cancel);
        }
    }

    private Uni<Void> init(Session session, Map<String, Object> message, WebSocketConnection connection) {
        if (session.initialised) {
            return connection.close(new CloseReason(4429, "Too many initialisation requests"));
        }
        if (message.get("payload") instanceof Map<?, ?> payload) {
            var auth = payload.get("Authorization") != null ? payload.get("Authorization") : payload.get("authorization");
            if (auth instanceof String header && header.length() > 7) {
                // like Flash: strip the first 7 characters ("Bearer ") and look the session up
                var userId = state.session(header.substring(7).trim());
                if (userId.isEmpty()) {
                    return connection.close(new CloseReason(4403, "Forbidden"));
                }
                session.userId = userId.get();
            }
        }
        session.initialised = true;
        return send(connection, Map.of("type", "connection_ack"));
    }

    @SuppressWarnings("unchecked")
    private Uni<Void> subscribe(Session session, Map<String, Object> message, WebSocketConnection connection) {
        var id = message.get("id") instanceof String s ? s : null;
        if (id == null || !(message.get("payload") instanceof Map<?, ?>)) {
            return connection.close(new CloseReason(4400, "Invalid message received"));
        }
        if (session.operations.containsKey(id)) {
            return connection.close(new CloseReason(4409, "Subscriber for " + id + " already exists"));
        }
        var payload = (Map<String, Object>) message.get("payload");
        var query = (String) payload.get("query");
        var operationName = (String) payload.get("operationName");
        if (!isSubscription(query, operationName)) {
            return send(connection, Map.of("type", "error", "id", id, "payload", List.of(
                    Map.of("message", "Only subscription operations are supported over WebSocket"))));
        }
        var variables = payload.get("variables") instanceof Map<?, ?> v ? (Map<String, Object>) v : Map.<String, Object>of();
        return Uni.createFrom().completionStage(graphQL.execute(query, operationName, variables, session.userId, null))
                .flatMap(result -> {
                    if (result.isDataPresent() && result.getData() instanceof Publisher<?> publisher) {
                        var stream = Multi.createFrom().publisher(
                                FlowAdapters.toFlowPublisher((Publisher<ExecutionResult>) publisher));
                        var cancellable = stream.subscribe().with(
                                next -> send(connection, Map.of("type", "next", "id", id,
                                        "payload", FlashGraphQL.toSpecification(next))).subscribe().with(x -> { }, e -> { }),
                                failure -> {
                                    Log.warnf("Flash sandbox: subscription %s failed: %s", id, failure.getMessage());
                                    session.operations.remove(id);
                                    send(connection, Map.of("type", "error", "id", id, "payload",
                                            List.of(Map.of("message", "Internal server error")))).subscribe().with(x -> { }, e -> { });
                                },
                                () -> {
                                    if (session.operations.remove(id) != null) {
                                        send(connection, Map.of("type", "complete", "id", id)).subscribe().with(x -> { }, e -> { });
                                    }
                                });
                        session.operations.put(id, cancellable);
                        return Uni.createFrom().voidItem();
                    }
                    var spec = FlashGraphQL.toSpecification(result);
                    if (!result.isDataPresent()) {
                        // parse/validation failures: graphql-ws answers with an "error" message
                        return send(connection, Map.of("type", "error", "id", id, "payload", spec.get("errors")));
                    }
                    return send(connection, Map.of("type", "next", "id", id, "payload", spec))
                            .flatMap(x -> send(connection, Map.of("type", "complete", "id", id)));
                });
    }

    private static boolean isSubscription(String query, String operationName) {
        try {
            var document = Parser.parse(query);
            return document.getDefinitionsOfType(OperationDefinition.class).stream()
                    .filter(op -> operationName == null || Objects.equals(operationName, op.getName()))
                    .findFirst()
                    .map(op -> op.getOperation() == OperationDefinition.Operation.SUBSCRIPTION)
                    .orElse(true);
        } catch (Exception e) {
            // let graphql-java report the syntax error in its own words
            return true;
        }
    }

    private Uni<Void> send(WebSocketConnection connection, Map<String, Object> message) {
        try {
            return connection.sendText(mapper.writeValueAsString(new LinkedHashMap<>(message)));
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
    }
}
