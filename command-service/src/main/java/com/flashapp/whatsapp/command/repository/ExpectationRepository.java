package com.flashapp.whatsapp.command.repository;

import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one open expectation per user (what their next reply answers), in Redis with a TTL so it disappears on its
 * own. A newer expectation replaces an older one: the user answers the latest question.
 */
@ApplicationScoped
public class ExpectationRepository {

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final String prefix;

    public ExpectationRepository(ReactiveRedisDataSource redis,
                                 @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix) {
        this.redis = redis;
        this.values = redis.value(String.class, String.class);
        this.prefix = keyPrefix + "expect:";
    }

    public Uni<Void> save(ConversationExpectation expectation, Duration ttl) {
        var json = new String(MessageCodec.encode(expectation), StandardCharsets.UTF_8);
        return values.set(prefix + expectation.envelope().userRef(), json, new SetArgs().px(ttl.toMillis()));
    }

    /** The user's open expectation, or null. An unreadable entry is dropped rather than blocking the user. */
    public Uni<ConversationExpectation> find(String userRef) {
        return values.get(prefix + userRef).map(json -> {
            if (json == null) {
                return null;
            }
            try {
                return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), ConversationExpectation.class);
            } catch (MessageCodec.MalformedMessageException e) {
                Log.warnf("Ignoring an unreadable expectation for %s", userRef);
                return null;
            }
        });
    }

    public Uni<Void> delete(String userRef) {
        return redis.key().del(prefix + userRef).replaceWithVoid();
    }
}
