package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.messaging.MessageHandler;
import com.flashapp.whatsapp.messaging.RejectedMessage;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code gateway.user-lifecycle}: "delete my data" removes the gateway's Redis keys of the user (the rate-limit
 * bucket and the "slow down" notice, keyed by userRef). They expire within minutes anyway; erasing them at once lets
 * a scan after erasure find nothing. Deleting twice is harmless, so no inbox.
 */
@ApplicationScoped
@Identifier(UserErasureHandler.CONSUMER)
public class UserErasureHandler implements MessageHandler {

    public static final String CONSUMER = "user-lifecycle";

    private final ReactiveRedisDataSource redis;
    private final String prefix;

    public UserErasureHandler(ReactiveRedisDataSource redis, GatewayConfig config) {
        this.redis = redis;
        this.prefix = config.redis().keyPrefix();
    }

    @Override
    public Uni<Void> handle(ContractMessage message) {
        if (!(message instanceof UserErasureRequested request) || request.envelope().userRef() == null
                || request.envelope().userRef().isBlank()) {
            return Uni.createFrom().failure(new RejectedMessage("not an erasure request with a userRef"));
        }
        var userRef = request.envelope().userRef();
        return redis.key(String.class)
                .scan(new KeyScanArgs().match(prefix + "*" + userRef + "*").count(500)).toMulti()
                .collect().asList()
                .flatMap(keys -> keys.isEmpty() ? Uni.createFrom().voidItem()
                        : redis.key(String.class).del(keys.toArray(String[]::new)).replaceWithVoid())
                .invoke(() -> Log.infof("Erased the gateway keys of %s", userRef));
    }
}
