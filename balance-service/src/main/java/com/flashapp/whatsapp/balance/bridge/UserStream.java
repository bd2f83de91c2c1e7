package com.flashapp.whatsapp.balance.bridge;

import com.flashapp.whatsapp.balance.client.FlashDocuments;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * One user's {@code myUpdates} subscription over graphql-ws ({@code graphql-transport-ws}): connect, send the
 * token in {@code connection_init}, subscribe, and on every update ask for a reconciliation. A closed or failed
 * connection reconnects with exponential backoff (reconciling again once connected) until {@link #stop()};
 * close codes 4400/4401/4403 (bad request, unauthorised, forbidden) wait the longest backoff, as retrying at once
 * cannot help; a handshake without {@code connection_ack} within the ack timeout is closed and retried. All
 * callbacks run on one Vert.x event loop.
 */
final class UserStream {

    private static final Set<Integer> NOT_RETRYABLE_SOON = Set.of(4400, 4401, 4403);

    private final Vertx vertx;
    private final WebSocketClient client;
    private final String url;
    private final String userRef;
    private final String token;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final Duration ackTimeout;
    /** (userRef, source): "reconcile" after (re)connecting, "subscription" after an update. */
    private final BiConsumer<String, String> onChange;

    private WebSocket socket;
    private long reconnectTimer = -1;
    private long ackTimer = -1;
    private int failures;
    private volatile boolean stopped;
    private volatile boolean subscribed;

    UserStream(Vertx vertx, WebSocketClient client, String url, String userRef, String token, Duration backoffMin,
               Duration backoffMax, Duration ackTimeout, BiConsumer<String, String> onChange) {
        this.vertx = vertx;
        this.client = client;
        this.url = url;
        this.userRef = userRef;
        this.token = token;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.ackTimeout = ackTimeout;
        this.onChange = onChange;
    }

    String token() {
        return token;
    }

    boolean subscribed() {
        return subscribed;
    }

    void start() {
        connect();
    }

    /** Closes for good (lease lost, link gone, shutdown). */
    void stop() {
        stopped = true;
        subscribed = false;
        if (reconnectTimer >= 0) {
            vertx.cancelTimer(reconnectTimer);
        }
        if (ackTimer >= 0) {
            vertx.cancelTimer(ackTimer);
        }
        if (socket != null && !socket.isClosed()) {
            socket.close((short) 1000, "bye");
        }
    }

    /** Drops the connection as a network failure would (tests); the stream reconnects. */
    void drop() {
        if (socket != null && !socket.isClosed()) {
            socket.close((short) 4500, "dropped");
        }
    }

    private void connect() {
        if (stopped) {
            return;
        }
        var options = new WebSocketConnectOptions().setAbsoluteURI(url).addSubProtocol("graphql-transport-ws")
                .setTimeout(10_000);
        client.connect(options).onComplete(result -> {
            if (result.failed()) {
                Log.debugf("Bridge connect for %s failed: %s", userRef, result.cause().toString());
                scheduleReconnect(null);
                return;
            }
            if (stopped) {
                result.result().close();
                return;
            }
            socket = result.result();
            socket.textMessageHandler(this::onText);
            socket.closeHandler(v -> {
                subscribed = false;
                scheduleReconnect(socket.closeStatusCode());
            });
            socket.exceptionHandler(e -> Log.debugf("Bridge socket of %s: %s", userRef, e.toString()));
            socket.writeTextMessage(new JsonObject().put("type", "connection_init")
                    .put("payload", new JsonObject().put("Authorization", "Bearer " + token)).encode());
            // a handshake that never completes must not leave the user silently unsubscribed
            var pending = socket;
            ackTimer = vertx.setTimer(ackTimeout.toMillis(), id -> {
                ackTimer = -1;
                if (!subscribed && !pending.isClosed()) {
                    Log.infof("Bridge: no connection_ack for %s within %s; reconnecting", userRef, ackTimeout);
                    pending.close((short) 4408, "Connection initialisation timeout");
                }
            });
        });
    }

    private void onText(String text) {
        JsonObject message;
        try {
            message = new JsonObject(text);
        } catch (RuntimeException e) {
            Log.debugf("Bridge got a non-JSON frame for %s", userRef);
            return;
        }
        switch (String.valueOf(message.getString("type"))) {
            case "connection_ack" -> {
                if (ackTimer >= 0) {
                    vertx.cancelTimer(ackTimer);
                    ackTimer = -1;
                }
                socket.writeTextMessage(new JsonObject().put("id", "1").put("type", "subscribe")
                        .put("payload", new JsonObject().put("query", FlashDocuments.document("MyUpdates"))
                                .put("operationName", "MyUpdates")).encode());
                subscribed = true;
                failures = 0;
                // whatever happened while we were away
                onChange.accept(userRef, "reconcile");
            }
            case "next" -> onChange.accept(userRef, "subscription");
            case "ping" -> socket.writeTextMessage(new JsonObject().put("type", "pong").encode());
            case "error", "complete" -> {
                Log.infof("Flash ended the subscription of %s (%s)", userRef, message.getString("type"));
                socket.close((short) 4500, "resubscribe");
            }
            default -> {
                // pong and unknown types need nothing
            }
        }
    }

    private void scheduleReconnect(Short closeCode) {
        if (stopped) {
            return;
        }
        failures++;
        var max = backoffMax.toMillis();
        long delay = closeCode != null && NOT_RETRYABLE_SOON.contains(closeCode.intValue()) ? max
                : Math.min(max, backoffMin.toMillis() * (1L << Math.min(failures - 1, 20)));
        // jitter so that many users of one replica do not reconnect in the same millisecond
        delay = Math.max(1, delay / 2 + (long) (Math.random() * (delay / 2.0)));
        Log.debugf("Bridge reconnects %s in %d ms (close %s)", userRef, delay, closeCode);
        reconnectTimer = vertx.setTimer(delay, id -> {
            reconnectTimer = -1;
            connect();
        });
    }
}
