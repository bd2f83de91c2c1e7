package com.flashapp.whatsapp.command.repository;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;

/**
 * Failed admin verifications per admin, and lockouts, in Redis: after too many wrong or replayed codes within a window
 * the admin is locked out for a while (guessing 6 digits needs many tries; a lockout makes it hopeless and loud).
 */
@ApplicationScoped
public class AdminGuardRepository {

    // KEYS: failures, lock. ARGV: window ms, max, lockout ms. Counts a failure; locks (and returns -1) at the max.
    private static final String FAIL = """
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            if n >= tonumber(ARGV[2]) then
              redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
              redis.call('DEL', KEYS[1])
              return -1
            end
            return n
            """;

    private final ReactiveRedisDataSource redis;
    private final String failures;
    private final String locks;

    public AdminGuardRepository(ReactiveRedisDataSource redis,
                                @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix) {
        this.redis = redis;
        this.failures = keyPrefix + "admin-fail:";
        this.locks = keyPrefix + "admin-lock:";
    }

    /** Whether the admin is locked out now. */
    public Uni<Boolean> locked(String userRef) {
        return redis.execute("EXISTS", locks + userRef).map(r -> r.toLong() == 1L);
    }

    /** Counts a failed verification; true if it locked the admin out. */
    public Uni<Boolean> failed(String userRef, Duration window, int max, Duration lockout) {
        return redis.execute("EVAL", FAIL, "2", failures + userRef, locks + userRef,
                        Long.toString(window.toMillis()), Integer.toString(max), Long.toString(lockout.toMillis()))
                .map(r -> r.toLong() < 0);
    }

    /** A successful verification clears the count. */
    public Uni<Void> succeeded(String userRef) {
        return redis.execute("DEL", failures + userRef).replaceWithVoid();
    }
}
