package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic ids for what a handler publishes: while a consumed message is handled, the n-th envelope created on
 * its Vert.x context gets the id {@code nameUUID(consumer / handled message id / n / type)}. Handling the same message
 * again — a retry after a transient failure, a redelivery after a crash or a lost connection — publishes messages
 * with the same ids, which their consumers' inboxes (and notification-service's outbox) drop. Outside a handler
 * (a scheduled job, an HTTP request) ids stay random.
 */
final class Causation {

    private static final String KEY = Causation.class.getName();

    private final String prefix;
    private int created;

    private Causation(String consumer, UUID handled) {
        this.prefix = consumer + "/" + handled + "/";
    }

    /** Installs the id source into {@link Envelope} (idempotent). */
    static void install() {
        Envelope.useMessageIds(Causation::next);
    }

    /** Starts (or, for a new attempt, restarts) the sequence of ids on this handling's context. */
    static void begin(Context context, String consumer, UUID handled) {
        context.putLocal(KEY, new Causation(consumer, handled));
    }

    private static UUID next(String type) {
        var context = Vertx.currentContext();
        // locals live on duplicated contexts only (each handling has one); a root context is never a handling's
        Causation causation = context == null || !VertxContext.isDuplicatedContext(context)
                ? null : context.getLocal(KEY);
        if (causation == null) {
            return UUID.randomUUID();
        }
        var n = causation.created++;
        return UUID.nameUUIDFromBytes((causation.prefix + n + "/" + type).getBytes(StandardCharsets.UTF_8));
    }
}
