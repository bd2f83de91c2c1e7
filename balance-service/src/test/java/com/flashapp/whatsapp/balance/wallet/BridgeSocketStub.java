package com.flashapp.whatsapp.balance.wallet;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Flash's subscription endpoint for tests: a graphql-transport-ws server on a free port, with
 * {@code wallet.bridge.ws-url} pointed at it. Only tokens a test accepted may subscribe (others are closed with
 * 4403, as Flash does); a test pushes {@code myUpdates} events to a token and can drop its connection.
 */
public class BridgeSocketStub implements QuarkusTestResourceLifecycleManager {

    private static final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private static final Map<String, ServerWebSocket> subscribed = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> subscriptions = new ConcurrentHashMap<>();
    private static Vertx vertx;
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer(new HttpServerOptions().setPort(0)
                        .setWebSocketSubProtocols(List.of("graphql-transport-ws")))
                // upgrade explicitly from the request handler (a bare webSocketHandler was seen to miss upgrades
                // after other apps ran in the same test JVM); anything else gets a plain 400
                .requestHandler(request -> {
                    if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                        request.toWebSocket().onSuccess(BridgeSocketStub::session);
                    } else {
                        request.response().setStatusCode(400).end();
                    }
                });
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("graphql-ws stub did not start", e);
        }
        return Map.of("wallet.bridge.ws-url", "ws://localhost:" + server.actualPort() + "/graphql");
    }

    private static void session(ServerWebSocket ws) {
        var token = new String[1];
        ws.textMessageHandler(text -> {
            var message = new JsonObject(text);
            switch (message.getString("type")) {
                case "connection_init" -> {
                    var auth = message.getJsonObject("payload", new JsonObject()).getString("Authorization", "");
                    token[0] = auth.startsWith("Bearer ") ? auth.substring(7) : auth;
                    if (!accepted.contains(token[0])) {
                        ws.close((short) 4403, "Forbidden");
                        return;
                    }
                    ws.writeTextMessage(new JsonObject().put("type", "connection_ack").encode());
                }
                case "subscribe" -> {
                    if (token[0] == null || !message.getJsonObject("payload").getString("query").contains("myUpdates")) {
                        ws.close((short) 4400, "Bad subscription");
                        return;
                    }
                    ws.closeHandler(v -> subscribed.remove(token[0], ws));
                    subscribed.put(token[0], ws);
                    subscriptions.computeIfAbsent(token[0], t -> new AtomicInteger()).incrementAndGet();
                }
                case "ping" -> ws.writeTextMessage(new JsonObject().put("type", "pong").encode());
                default -> {
                }
            }
        });
    }

    /** Lets this token subscribe. */
    public static void accept(String token) {
        accepted.add(token);
    }

    /** Whether the token has a live subscription. */
    public static boolean isSubscribed(String token) {
        var ws = subscribed.get(token);
        return ws != null && !ws.isClosed();
    }

    /** How many times the token subscribed (reconnects count). */
    public static int subscriptionCount(String token) {
        var count = subscriptions.get(token);
        return count == null ? 0 : count.get();
    }

    /** Sends one myUpdates event (an incoming Lightning payment) to the token's subscription. */
    public static void pushPaid(String token, String walletId) {
        var ws = subscribed.get(token);
        if (ws == null) {
            throw new IllegalStateException("no subscription for the token");
        }
        var update = new JsonObject().put("__typename", "LnUpdate").put("paymentHash", "ab".repeat(32))
                .put("status", "PAID").put("walletId", walletId);
        var payload = new JsonObject().put("data", new JsonObject().put("myUpdates",
                new JsonObject().put("errors", List.of()).put("update", update)));
        ws.writeTextMessage(new JsonObject().put("id", "1").put("type", "next").put("payload", payload).encode());
    }

    /** Drops the token's connection from the server side, as a network failure would. */
    public static void drop(String token) {
        var ws = subscribed.remove(token);
        if (ws != null) {
            ws.close((short) 1011, "server restart");
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }
}
