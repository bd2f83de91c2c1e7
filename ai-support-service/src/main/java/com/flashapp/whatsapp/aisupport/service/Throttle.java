package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Per-user question limit: a Redis counter per fixed window ({@code max-questions} per {@code window}), shared by
 * every replica. The first increment of a window sets its expiry.
 */
@ApplicationScoped
public class Throttle {

    private final ReactiveValueCommands<String, Long> counters;
    private final ReactiveKeyCommands<String> keys;
    private final SupportConfig config;
    private final String prefix;

    public Throttle(ReactiveRedisDataSource redis, SupportConfig config,
                    @ConfigProperty(name = "app.redis.key-prefix") String prefix) {
        this.counters = redis.value(String.class, Long.class);
        this.keys = redis.key(String.class);
        this.config = config;
        this.prefix = prefix;
    }

    /** Counts a question; true when it is within the user's limit. */
    public Uni<Boolean> tryAcquire(String userRef) {
        var window = config.throttle().window();
        var bucket = System.currentTimeMillis() / window.toMillis();
        var key = prefix + "throttle:" + userRef + ":" + bucket;
        return counters.incr(key).flatMap(count -> {
            var allowed = count <= config.throttle().maxQuestions();
            if (count == 1) {
                return keys.pexpire(key, window.toMillis()).replaceWith(allowed);
            }
            return Uni.createFrom().item(allowed);
        });
    }
}
