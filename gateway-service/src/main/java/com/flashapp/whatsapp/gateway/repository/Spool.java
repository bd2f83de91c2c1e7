package com.flashapp.whatsapp.gateway.repository;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The webhook spool: a Redis stream of messages the broker could not confirm in time, in the order they were accepted,
 * each with everything needed to publish it later (exchange, routing key, message id, correlation id, the encoded
 * contract message). Plus the relay lock, so one replica at a time relays and the order holds.
 */
@ApplicationScoped
public class Spool {

    /** One spooled message. */
    public record Entry(String id, String exchange, String routingKey, UUID messageId, String correlationId,
                        byte[] body) {
    }

    // KEYS: lock. ARGV: owner. Deletes the lock only if this replica holds it.
    static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;

    // KEYS: lock. ARGV: owner, ttl ms. Extends the lock only if this replica holds it.
    static final String RENEW = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
            return 0
            """;

    private final ReactiveRedisDataSource redis;
    private final String stream;
    private final String lock;
    private final WebhookGate.Script release = new WebhookGate.Script(RELEASE);
    private final WebhookGate.Script renew = new WebhookGate.Script(RENEW);

    public Spool(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.redis = redis;
        this.stream = config.redis().keyPrefix() + "spool";
        this.lock = config.redis().keyPrefix() + "spool:relay";
    }

    /** Appends a message; completes once Redis has it. */
    public Uni<Void> append(String exchange, String routingKey, UUID messageId, String correlationId, byte[] body) {
        return redis.execute("XADD", stream, "*", "x", exchange, "k", routingKey, "i", messageId.toString(),
                        "c", correlationId == null ? "" : correlationId,
                        "b", new String(body, java.nio.charset.StandardCharsets.UTF_8))
                .replaceWithVoid();
    }

    /** The oldest {@code count} messages, oldest first. */
    public Uni<List<Entry>> oldest(int count) {
        return redis.execute("XRANGE", stream, "-", "+", "COUNT", Integer.toString(count)).map(response -> {
            var entries = new ArrayList<Entry>();
            for (var item : response) {
                var id = item.get(0).toString();
                var fields = item.get(1);
                String exchange = null;
                String key = null;
                String messageId = null;
                String correlationId = null;
                byte[] body = null;
                for (int i = 0; i + 1 < fields.size(); i += 2) {
                    var value = fields.get(i + 1);
                    switch (fields.get(i).toString()) {
                        case "x" -> exchange = value.toString();
                        case "k" -> key = value.toString();
                        case "i" -> messageId = value.toString();
                        case "c" -> correlationId = value.toString();
                        case "b" -> body = value.toBytes();
                        default -> { }
                    }
                }
                entries.add(new Entry(id, exchange, key, messageId == null ? null : UUID.fromString(messageId),
                        correlationId == null || correlationId.isEmpty() ? null : correlationId, body));
            }
            return entries;
        });
    }

    /** Removes relayed messages (one call for a relay round). */
    public Uni<Void> remove(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var args = new String[ids.size() + 1];
        args[0] = stream;
        for (int i = 0; i < ids.size(); i++) {
            args[i + 1] = ids.get(i);
        }
        return redis.execute("XDEL", args).replaceWithVoid();
    }

    /** Messages waiting in the spool. */
    public Uni<Long> depth() {
        return redis.execute("XLEN", stream).map(r -> r.toLong());
    }

    /** Takes the relay lock for {@code ttlMillis}; true if this replica holds it now. */
    public Uni<Boolean> lock(String owner, long ttlMillis) {
        return redis.execute("SET", lock, owner, "NX", "PX", Long.toString(ttlMillis)).map(r -> r != null);
    }

    /** Extends the relay lock this replica holds; false if it no longer holds it. */
    public Uni<Boolean> renew(String owner, long ttlMillis) {
        return renew.run(redis, new String[]{lock}, owner, Long.toString(ttlMillis)).map(r -> r.toInteger() == 1);
    }

    /** Lets go of the relay lock (if this replica holds it). */
    public Uni<Void> unlock(String owner) {
        return release.run(redis, new String[]{lock}, owner).replaceWithVoid();
    }
}
