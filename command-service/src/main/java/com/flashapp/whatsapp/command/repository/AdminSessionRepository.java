package com.flashapp.whatsapp.command.repository;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;

/** Verified admin sessions: a Redis key per admin that expires on its own. */
@ApplicationScoped
public class AdminSessionRepository {

    private final ReactiveValueCommands<String, String> values;
    private final String prefix;

    public AdminSessionRepository(ReactiveRedisDataSource redis,
                                  @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix) {
        this.values = redis.value(String.class, String.class);
        this.prefix = keyPrefix + "admin-session:";
    }

    public Uni<Void> open(String userRef, Duration ttl) {
        return values.set(prefix + userRef, Instant.now().toString(), new SetArgs().px(ttl.toMillis()));
    }

    public Uni<Boolean> isOpen(String userRef) {
        return values.get(prefix + userRef).map(v -> v != null);
    }
}
