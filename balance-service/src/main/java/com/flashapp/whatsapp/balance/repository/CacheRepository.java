package com.flashapp.whatsapp.balance.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.balance.client.FlashModels.Balance;
import com.flashapp.whatsapp.balance.client.FlashModels.Price;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * Short-lived Redis caches of balances (per user) and prices (per currency). Values are AES-GCM ciphertext
 * bound to their key; the balance is kept longer than it is fresh, so a Flash outage can still be answered
 * with the last known figures and their age. A value that does not decrypt is treated as a miss.
 */
@ApplicationScoped
public class CacheRepository {

    private final ReactiveValueCommands<String, String> values;
    private final ReactiveRedisDataSource redis;
    private final TokenVault vault;
    private final ObjectMapper mapper;
    private final String prefix;
    private final BalanceConfig.Cache config;

    public CacheRepository(ReactiveRedisDataSource redis, TokenVault vault, ObjectMapper mapper,
                           BalanceConfig config, @ConfigProperty(name = "app.redis.key-prefix") String prefix) {
        this.redis = redis;
        this.values = redis.value(String.class, String.class);
        this.vault = vault;
        this.mapper = mapper;
        this.prefix = prefix;
        this.config = config.cache();
    }

    public Uni<Balance> balance(String userRef) {
        return get(balanceKey(userRef), Balance.class);
    }

    public Uni<Void> putBalance(String userRef, Balance balance) {
        return put(balanceKey(userRef), balance, config.balanceKeep());
    }

    public Uni<Void> evictBalance(String userRef) {
        return redis.key().del(balanceKey(userRef)).replaceWithVoid();
    }

    public Uni<Price> price(String currency) {
        return get(priceKey(currency), Price.class);
    }

    public Uni<Void> putPrice(String currency, Price price) {
        return put(priceKey(currency), price, config.priceTtl());
    }

    /** The Redis key of a user's cached balance (exposed for tests that read the raw value). */
    public String balanceKey(String userRef) {
        return prefix + "bal:" + userRef;
    }

    private String priceKey(String currency) {
        return prefix + "price:" + currency;
    }

    private <T> Uni<T> get(String key, Class<T> type) {
        return values.get(key).map(ciphertext -> {
            if (ciphertext == null) {
                return null;
            }
            try {
                return mapper.readValue(vault.decrypt(ciphertext, key), type);
            } catch (JsonProcessingException | RuntimeException e) {
                Log.warnf("Ignoring unreadable cache entry %s: %s", key, e.getClass().getSimpleName());
                return null;
            }
        });
    }

    private Uni<Void> put(String key, Object value, Duration ttl) {
        try {
            var ciphertext = vault.encrypt(mapper.writeValueAsString(value), key);
            return values.set(key, ciphertext, new SetArgs().px(ttl.toMillis()));
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
    }
}
