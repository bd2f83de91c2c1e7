package com.flashapp.whatsapp.command.repository;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * The last admin-code time step each admin used, in Redis, so a code (or any code of an earlier or the same step)
 * cannot be used twice: someone who saw the code on the admin's screen must not be able to reuse it while it is
 * still inside the accepted window. Only the step is stored, never the code.
 */
@ApplicationScoped
public class AdminCodeRepository {

    /**
     * Compare and set in one step inside Redis, so two messages carrying the same code at the same moment (two
     * replicas, or two consumers) cannot both pass: 1 = the step is newer than the last used one and is now the
     * last used one (with a fresh expiry); 0 = the step, or a later one, was already used.
     */
    private static final String CLAIM = """
            local last = redis.call('GET', KEYS[1])
            if last and tonumber(last) >= tonumber(ARGV[1]) then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return 1
            """;

    private final ReactiveRedisDataSource redis;
    private final String prefix;

    public AdminCodeRepository(ReactiveRedisDataSource redis,
                               @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix) {
        this.redis = redis;
        this.prefix = keyPrefix + "admin-code:";
    }

    /**
     * Records {@code step} as the admin's last used time step if it is later than the one recorded; true if it was
     * (the code may be accepted), false if that step or a later one was already used (a replay).
     *
     * @param ttl how long the step is remembered: just longer than the window in which its code is accepted
     */
    public Uni<Boolean> claim(String userRef, long step, Duration ttl) {
        return redis.execute("EVAL", CLAIM, "1", prefix + userRef, Long.toString(step),
                        Long.toString(ttl.toMillis()))
                .map(response -> response.toLong() == 1L);
    }
}
