package com.flashapp.whatsapp.command.repository;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.UUID;

/**
 * Small per-user memories in Redis: whether a one-time notice was given ("replies are in English for now"), and
 * the last phrasing the intent layer acted on (for "no, I meant …"), each with a TTL.
 */
@ApplicationScoped
public class OnceRepository {

    private final ReactiveValueCommands<String, String> values;
    private final String prefix;

    public OnceRepository(ReactiveRedisDataSource redis,
                          @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix) {
        this.values = redis.value(String.class, String.class);
        this.prefix = keyPrefix;
    }

    /**
     * True the first time for this user and notice within {@code ttl}, and again for every attempt at that same
     * message {@code byMessage} (a retry must give the notice the first attempt gave); false afterwards (SET NX).
     */
    public Uni<Boolean> firstTime(String userRef, String notice, Duration ttl, UUID byMessage) {
        var by = byMessage.toString();
        return values.setGet(prefix + "notice:" + notice + ":" + userRef, by, new SetArgs().nx().px(ttl.toMillis()))
                .map(previous -> previous == null || previous.equals(by));
    }

    public Uni<Void> rememberPhrase(String userRef, String phrase, Duration ttl) {
        return values.set(prefix + "last-intent:" + userRef, phrase, new SetArgs().px(ttl.toMillis()));
    }

    /** The remembered phrase (taken: a correction counts once), or null. */
    public Uni<String> takePhrase(String userRef) {
        return values.getdel(prefix + "last-intent:" + userRef);
    }
}
