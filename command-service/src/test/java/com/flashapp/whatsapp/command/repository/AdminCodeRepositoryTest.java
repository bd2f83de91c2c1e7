package com.flashapp.whatsapp.command.repository;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Used admin-code steps in the real Redis: a step works once, only later steps after it, atomically. */
@QuarkusTest
class AdminCodeRepositoryTest {

    private static final Duration TTL = Duration.ofSeconds(120);
    private static final long STEP = 58_000_000L;

    @Inject
    AdminCodeRepository usedCodes;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "app.redis.key-prefix")
    String keyPrefix;

    String userRef;

    @BeforeEach
    void newAdmin() {
        userRef = "u_test_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aStepIsAcceptedOnceAndOnlyLaterStepsAfterIt() {
        assertTrue(claim(STEP), "first use");
        assertFalse(claim(STEP), "the same code again");
        assertFalse(claim(STEP - 1), "an older code after a newer one");
        assertTrue(claim(STEP + 1), "a code of a later step");
        assertFalse(claim(STEP + 1), "that one again");
    }

    @Test
    void eachAdminHasTheirOwnLastStep() {
        assertTrue(claim(STEP));
        var other = userRef;
        userRef = "u_test_" + UUID.randomUUID().toString().replace("-", "");
        assertTrue(claim(STEP), "another admin's use does not burn this admin's code");
        userRef = other;
        assertFalse(claim(STEP));
    }

    @Test
    void theUsedStepIsForgottenOnItsOwnAfterTheWindow() {
        assertTrue(claim(STEP));
        var remaining = redis.key().pttl(keyPrefix + "admin-code:" + userRef);
        assertTrue(remaining > 0 && remaining <= TTL.toMillis(), "expires within the TTL: " + remaining);
        assertEquals(Long.toString(STEP), redis.value(String.class).get(keyPrefix + "admin-code:" + userRef),
                "only the step is stored, never the code");
    }

    @Test
    void concurrentUsesOfOneCodeLetExactlyOneThrough() throws Exception {
        var attempts = 8;
        var start = new CountDownLatch(1);
        var pool = Executors.newFixedThreadPool(attempts);
        try {
            var results = new ArrayList<CompletableFuture<Boolean>>();
            for (int i = 0; i < attempts; i++) {
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return claim(STEP);
                }, pool));
            }
            start.countDown();
            var accepted = results.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
            assertEquals(1, accepted);
        } finally {
            pool.shutdownNow();
        }
    }

    private boolean claim(long step) {
        return usedCodes.claim(userRef, step, TTL).await().atMost(Duration.ofSeconds(10));
    }
}
