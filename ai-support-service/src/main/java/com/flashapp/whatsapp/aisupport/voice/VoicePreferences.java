package com.flashapp.whatsapp.aisupport.voice;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The per-user voice-reply preference ("voice on" / "voice off"), default off: {@code aisupport:voice:<userRef>}
 * exists (no expiry) while it is on; off deletes it. Losing the key (a Redis flush) turns voice replies off, the
 * safe default. "delete my data" removes it with the user's other {@code aisupport:} keys.
 */
@ApplicationScoped
public class VoicePreferences {

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keys;
    private final String prefix;

    public VoicePreferences(ReactiveRedisDataSource redis,
                            @ConfigProperty(name = "app.redis.key-prefix") String prefix) {
        this.values = redis.value(String.class, String.class);
        this.keys = redis.key(String.class);
        this.prefix = prefix + "voice:";
    }

    public Uni<Boolean> isOn(String userRef) {
        if (userRef == null || userRef.isBlank()) {
            return Uni.createFrom().item(false);
        }
        return keys.exists(prefix + userRef);
    }

    /** Sets the preference; idempotent. */
    public Uni<Void> set(String userRef, boolean on) {
        return on ? values.set(prefix + userRef, "on") : keys.del(prefix + userRef).replaceWithVoid();
    }
}
