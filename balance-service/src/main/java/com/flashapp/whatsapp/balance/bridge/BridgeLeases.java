package com.flashapp.whatsapp.balance.bridge;

import com.flashapp.whatsapp.balance.config.WalletConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.UUID;

/**
 * Who holds each user's subscription: a Redis lease {@code <prefix>bridge:lease:<userRef>} = replica id with a
 * TTL. A replica takes a free lease atomically ({@code SET NX PX}) and renews only its own (compare-and-expire
 * script), so two replicas never hold one user; a dead replica's leases expire after {@code lease-ttl} and the
 * next tick of another replica takes them over.
 */
@ApplicationScoped
public class BridgeLeases {

    private static final String RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private static final String RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then "
            + "return redis.call('del', KEYS[1]) else return 0 end";

    private final ReactiveRedisDataSource redis;
    private final String prefix;
    private final long ttlMillis;
    private final String replicaId;

    @Inject
    public BridgeLeases(ReactiveRedisDataSource redis, WalletConfig config,
                        @ConfigProperty(name = "app.redis.key-prefix") String prefix) {
        this(redis, prefix, config.bridge().leaseTtl().toMillis(),
                config.bridge().replicaId().orElse("replica-" + UUID.randomUUID()));
    }

    /** For tests: a second "replica" over the same Redis. */
    public BridgeLeases(ReactiveRedisDataSource redis, String prefix, long ttlMillis, String replicaId) {
        this.redis = redis;
        this.prefix = prefix + "bridge:lease:";
        this.ttlMillis = ttlMillis;
        this.replicaId = replicaId;
    }

    public String replicaId() {
        return replicaId;
    }

    /** Takes the user's lease if free, or renews it if this replica holds it; true when held afterwards. */
    public Uni<Boolean> acquire(String userRef) {
        return renew(userRef).flatMap(renewed -> renewed ? Uni.createFrom().item(true)
                : redis.execute("SET", prefix + userRef, replicaId, "NX", "PX", Long.toString(ttlMillis))
                .map(response -> response != null && "OK".equalsIgnoreCase(response.toString())));
    }

    /** Extends this replica's lease; false when it is not (or no longer) ours. */
    public Uni<Boolean> renew(String userRef) {
        return redis.execute("EVAL", RENEW, "1", prefix + userRef, replicaId, Long.toString(ttlMillis))
                .map(response -> response != null && response.toLong() == 1L);
    }

    /** Gives the lease back (only if ours), so another replica can take the user at once. */
    public Uni<Void> release(String userRef) {
        return redis.execute("EVAL", RELEASE, "1", prefix + userRef, replicaId).replaceWithVoid();
    }

    /** The replica holding a user, or null. */
    public Uni<String> holder(String userRef) {
        return redis.execute("GET", prefix + userRef).map(response -> response == null ? null : response.toString());
    }
}
