package com.flashapp.whatsapp.aisupport.voice;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * The per-user voice-reply preference ("voice on" / "voice off"), default off: {@code aisupport:voice:<userRef>}
 * exists while it is on; off deletes it. Like every Redis key it expires: {@code app.support.voice.preference-idle-ttl}
 * (180 days) after it was last used, each answer or help text that reads it setting the expiry again. Losing the key
 * (expiry, a Redis flush) turns voice replies off, the safe default. "delete my data" removes it with the user's other
 * {@code aisupport:} keys.
 */
@ApplicationScoped
public class VoicePreferences {

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keys;
    private final String prefix;
    private final Duration idleTtl;

    public VoicePreferences(ReactiveRedisDataSource redis, SupportConfig config,
                            @ConfigProperty(name = "app.redis.key-prefix") String prefix) {
        this.values = redis.value(String.class, String.class);
        this.keys = redis.key(String.class);
        this.prefix = prefix + "voice:";
        this.idleTtl = config.voice().preferenceIdleTtl();
    }

    public Uni<Boolean> isOn(String userRef) {
        if (userRef == null || userRef.isBlank()) {
            return Uni.createFrom().item(false);
        }
        // one command: true only when the key exists, whose expiry then starts again
        return keys.pexpire(prefix + userRef, idleTtl);
    }

    /** Sets the preference; idempotent. */
    public Uni<Void> set(String userRef, boolean on) {
        return on ? values.set(prefix + userRef, "on", new SetArgs().px(idleTtl))
                : keys.del(prefix + userRef).replaceWithVoid();
    }
}
