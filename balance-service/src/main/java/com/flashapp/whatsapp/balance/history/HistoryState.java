package com.flashapp.whatsapp.balance.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.balance.client.WalletModels.Tx;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * The last history list a user saw (Redis, encrypted, {@code wallet.history.state-ttl}): what "history more"
 * continues and what "history 3" refers to. Entries are numbered from 1 across pages.
 */
@ApplicationScoped
public class HistoryState {

    /** The entries shown so far and the page size in use. */
    public record Shown(List<Tx> entries, int pageSize, boolean hasMore) {
    }

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveRedisDataSource redis;
    private final TokenVault vault;
    private final ObjectMapper mapper;
    private final String prefix;
    private final WalletConfig config;

    public HistoryState(ReactiveRedisDataSource redis, TokenVault vault, ObjectMapper mapper, WalletConfig config,
                        @ConfigProperty(name = "app.redis.key-prefix") String prefix) {
        this.redis = redis;
        this.values = redis.value(String.class, String.class);
        this.vault = vault;
        this.mapper = mapper;
        this.prefix = prefix + "hist:";
        this.config = config;
    }

    public Uni<Shown> find(String userRef) {
        var key = prefix + userRef;
        return values.get(key).map(ciphertext -> {
            if (ciphertext == null) {
                return null;
            }
            try {
                return mapper.readValue(vault.decrypt(ciphertext, key), Shown.class);
            } catch (JsonProcessingException | RuntimeException e) {
                Log.warnf("Ignoring unreadable history state of %s: %s", userRef, e.getClass().getSimpleName());
                return null;
            }
        });
    }

    public Uni<Void> save(String userRef, Shown shown) {
        var key = prefix + userRef;
        try {
            var ciphertext = vault.encrypt(mapper.writeValueAsString(shown), key);
            return values.set(key, ciphertext, new SetArgs().px(config.history().stateTtl().toMillis()));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }

    public Uni<Void> forget(String userRef) {
        return redis.key().del(prefix + userRef).replaceWithVoid();
    }
}
