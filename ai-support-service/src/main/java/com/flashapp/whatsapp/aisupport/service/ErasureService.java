package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.handoff.HandoffService;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * "delete my data" ({@code user.erasure-requested}): the user's interactions (with their redacted questions), feedback
 * (with comments), AI consent records, conversation memory and throttle counters are deleted, and their support
 * tickets with their transcript (an agent still on an open one is told and freed).
 */
@ApplicationScoped
public class ErasureService {

    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final HandoffService handoff;

    public ErasureService(Pool pool, ReactiveRedisDataSource redis,
                          @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix, HandoffService handoff) {
        this.handoff = handoff;
        this.pool = pool;
        this.redis = redis;
        this.keyPrefix = keyPrefix;
    }

    public Uni<Void> erase(UserErasureRequested request) {
        var userRef = request.envelope().userRef();
        if (userRef == null || userRef.isBlank()) {
            Log.warnf("Erasure %s without userRef: nothing to erase", request.envelope().messageId());
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(c -> c.preparedQuery("delete from support_feedback where user_ref = $1")
                        .execute(Tuple.of(userRef))
                        .flatMap(x -> c.preparedQuery("delete from support_interaction where user_ref = $1")
                                .execute(Tuple.of(userRef)))
                        .flatMap(x -> c.preparedQuery("delete from ai_consent where user_ref = $1")
                                .execute(Tuple.of(userRef))))
                .flatMap(x -> handoff.erase(request.envelope()))
                .flatMap(x -> redis.key(String.class)
                        .scan(new KeyScanArgs().match(keyPrefix + "*" + userRef + "*").count(500)).toMulti()
                        .collect().asList())
                .flatMap(keys -> keys.isEmpty() ? Uni.createFrom().voidItem()
                        : redis.key(String.class).del(keys.toArray(String[]::new)).replaceWithVoid())
                .invoke(() -> Log.infof("Erased the support data of %s", userRef));
    }
}
