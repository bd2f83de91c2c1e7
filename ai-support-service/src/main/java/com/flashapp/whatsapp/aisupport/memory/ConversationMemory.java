package com.flashapp.whatsapp.aisupport.memory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-user conversation memory in Redis: encrypted (AES-GCM), forgotten after an idle TTL (every write renews it),
 * pruned to a token budget by dropping the oldest turns. Callers store only redacted text.
 */
@ApplicationScoped
public class ConversationMemory {

    private static final TypeReference<List<Turn>> TURNS = new TypeReference<>() {
    };

    private final ReactiveValueCommands<String, String> values;
    private final MemoryCipher cipher;
    private final SupportConfig config;
    private final ObjectMapper mapper;
    private final String prefix;

    public ConversationMemory(ReactiveRedisDataSource redis, MemoryCipher cipher, SupportConfig config,
                              ObjectMapper mapper, @ConfigProperty(name = "app.redis.key-prefix") String prefix) {
        this.values = redis.value(String.class, String.class);
        this.cipher = cipher;
        this.config = config;
        this.mapper = mapper;
        this.prefix = prefix;
    }

    /** The remembered turns, oldest first (empty when none, expired or unreadable). */
    public Uni<List<Turn>> load(String userRef) {
        return values.get(key(userRef)).map(value -> {
            if (value == null) {
                return List.<Turn>of();
            }
            return cipher.decrypt(value, userRef).map(this::parse).orElseGet(List::of);
        });
    }

    /** Appends turns, prunes to the budget, stores encrypted with a fresh idle TTL. */
    public Uni<List<Turn>> append(String userRef, List<Turn> newTurns) {
        return load(userRef).flatMap(existing -> {
            var all = new ArrayList<>(existing);
            all.addAll(newTurns);
            var pruned = prune(all, config.memory().tokenBudget());
            var encrypted = cipher.encrypt(write(pruned), userRef);
            return values.set(key(userRef), encrypted, new SetArgs().px(config.memory().idleTtl()))
                    .replaceWith(pruned);
        });
    }

    public Uni<Void> forget(String userRef) {
        return values.getdel(key(userRef)).replaceWithVoid();
    }

    /** Keeps the newest turns whose estimated tokens fit the budget (the oldest are dropped first). */
    public static List<Turn> prune(List<Turn> turns, int tokenBudget) {
        var kept = new ArrayList<Turn>();
        int used = 0;
        for (int i = turns.size() - 1; i >= 0; i--) {
            var t = turns.get(i);
            if (used + t.estimatedTokens() > tokenBudget) {
                break;
            }
            used += t.estimatedTokens();
            kept.add(0, t);
        }
        return kept;
    }

    public String key(String userRef) {
        return prefix + "memory:" + userRef;
    }

    private List<Turn> parse(String json) {
        try {
            return mapper.readValue(json, TURNS);
        } catch (JsonProcessingException e) {
            Log.warn("Discarding unreadable conversation memory");
            return List.of();
        }
    }

    private String write(List<Turn> turns) {
        try {
            return mapper.writeValueAsString(turns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
