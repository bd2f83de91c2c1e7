package com.flashapp.whatsapp.gateway.repository;

import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Dedup claims and the per-sender token bucket, in Redis, each decided by one atomic Lua script (one round trip
 * per webhook). A dedup key is {@code pending} while its publish is in flight and {@code done} once the broker
 * confirmed it; a failed publish releases the claim so Twilio's retry is not lost.
 */
@ApplicationScoped
public class WebhookGate {

    /** What the gate decided for one webhook. */
    public enum Admission {
        /** First time seen and within the limit: claimed, go publish. */
        ACCEPTED,
        /** Already published. */
        DUPLICATE,
        /** The same id is being published right now by another request. */
        IN_FLIGHT,
        /** Over the sender's limit; this is the first refusal in the window, so tell the sender once. */
        RATE_LIMITED_NOTIFY,
        /** Over the sender's limit, already told. */
        RATE_LIMITED,
        /**
         * Redis could not be asked: neither dedup nor the rate limit could be checked (nor the spool used). Not
         * decided here; the caller may still publish (message ids are derived from the sid, so the consumers'
         * inboxes drop a duplicate).
         */
        UNCHECKED
    }

    // KEYS: dedup, bucket, notice. ARGV: capacity, refill tokens per ms, in-flight ttl ms, notice window ms,
    // bucket ttl ms. Redis 7 replicates a script's effects, so reading TIME inside it is safe.
    static final String ADMIT = """
            local state = redis.call('GET', KEYS[1])
            if state == 'done' then return 1 end
            if state then return 2 end
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local capacity = tonumber(ARGV[1])
            local b = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
            local tokens = tonumber(b[1])
            local ts = tonumber(b[2])
            if tokens == nil or ts == nil then tokens = capacity; ts = now end
            tokens = math.min(capacity, tokens + math.max(0, now - ts) * tonumber(ARGV[2]))
            if tokens < 1 then
              redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'ts', tostring(now))
              redis.call('PEXPIRE', KEYS[2], ARGV[5])
              if redis.call('SET', KEYS[3], '1', 'PX', ARGV[4], 'NX') then return 3 end
              return 4
            end
            redis.call('HSET', KEYS[2], 'tokens', tostring(tokens - 1), 'ts', tostring(now))
            redis.call('PEXPIRE', KEYS[2], ARGV[5])
            redis.call('SET', KEYS[1], 'pending', 'PX', ARGV[3])
            return 0
            """;

    // KEYS: dedup. ARGV: in-flight ttl ms.
    static final String CLAIM = """
            local state = redis.call('GET', KEYS[1])
            if state == 'done' then return 1 end
            if state then return 2 end
            redis.call('SET', KEYS[1], 'pending', 'PX', ARGV[1])
            return 0
            """;

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final String capacity;
    private final String refillPerMs;
    private final String inFlightMs;
    private final String noticeMs;
    private final String bucketTtlMs;
    private final Script admit = new Script(ADMIT);
    private final Script claim = new Script(CLAIM);

    public WebhookGate(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.redis = redis;
        this.prefix = config.redis().keyPrefix();
        var limit = config.rateLimit();
        double perMs = limit.perMinute() / 60_000.0;
        this.capacity = Integer.toString(limit.burst());
        this.refillPerMs = Double.toString(perMs);
        this.inFlightMs = Long.toString(config.twilio().inFlightTtl().toMillis());
        this.noticeMs = Long.toString(limit.noticeWindow().toMillis());
        // an idle bucket is full again after burst / rate; keep it a little longer, then let it expire
        this.bucketTtlMs = Long.toString((long) (limit.burst() / Math.max(perMs, 1e-9)) + 60_000);
    }

    /** Dedup check, rate limit and claim for one inbound message, atomically. */
    public Uni<Admission> admitMessage(String messageSid, String userRef) {
        return admit.run(redis, new String[]{
                        prefix + "sid:" + messageSid, prefix + "bucket:" + userRef, prefix + "notice:" + userRef},
                capacity, refillPerMs, inFlightMs, noticeMs, bucketTtlMs)
                .map(WebhookGate::admission);
    }

    /** Dedup check and claim for an id without a rate limit (status callbacks, Flash transactions). */
    public Uni<Admission> claim(String key) {
        return claim.run(redis, new String[]{prefix + key}, inFlightMs).map(WebhookGate::admission);
    }

    /** Marks a claimed message sid as published. */
    public Uni<Void> messageDone(String messageSid, Duration ttl) {
        return done("sid:" + messageSid, ttl);
    }

    /** Marks a claimed key as published, remembered for {@code ttl}. */
    public Uni<Void> done(String key, Duration ttl) {
        return redis.execute("SET", prefix + key, "done", "PX", Long.toString(ttl.toMillis())).replaceWithVoid();
    }

    /** Releases the claim on a message sid whose publish failed, so a retry can publish it. */
    public Uni<Void> releaseMessage(String messageSid) {
        return release("sid:" + messageSid);
    }

    /** Releases a claimed key whose publish failed. */
    public Uni<Void> release(String key) {
        return redis.execute("DEL", prefix + key).replaceWithVoid();
    }

    private static Admission admission(io.vertx.mutiny.redis.client.Response r) {
        return switch (r.toInteger()) {
            case 0 -> Admission.ACCEPTED;
            case 1 -> Admission.DUPLICATE;
            case 2 -> Admission.IN_FLIGHT;
            case 3 -> Admission.RATE_LIMITED_NOTIFY;
            default -> Admission.RATE_LIMITED;
        };
    }

    /** A Lua script run by its SHA, loaded on first use (and again after a Redis restart: NOSCRIPT). */
    static final class Script {
        private final String source;
        private final String sha;

        Script(String source) {
            this.source = source;
            try {
                this.sha = HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Uni<io.vertx.mutiny.redis.client.Response> run(ReactiveRedisDataSource redis, String[] keys, String... args) {
            return redis.execute("EVALSHA", arguments(sha, keys, args))
                    .onFailure(f -> String.valueOf(f.getMessage()).contains("NOSCRIPT"))
                    .recoverWithUni(() -> redis.execute("EVAL", arguments(source, keys, args)));
        }

        private static String[] arguments(String script, String[] keys, String[] args) {
            var all = new String[2 + keys.length + args.length];
            all[0] = script;
            all[1] = Integer.toString(keys.length);
            System.arraycopy(keys, 0, all, 2, keys.length);
            System.arraycopy(args, 0, all, 2 + keys.length, args.length);
            return all;
        }
    }
}
