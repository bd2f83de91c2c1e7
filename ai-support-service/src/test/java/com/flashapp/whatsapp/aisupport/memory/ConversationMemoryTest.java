package com.flashapp.whatsapp.aisupport.memory;

import com.flashapp.whatsapp.aisupport.support.TestUsers;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Memory in the real Redis: encrypted, pruned to the token budget, forgotten after the idle TTL (8 s in tests). */
@QuarkusTest
class ConversationMemoryTest {

    @Inject
    ConversationMemory memory;

    @Inject
    MemoryCipher cipher;

    @Inject
    RedisDataSource redis;

    @Test
    void memoryIsPrunedToTheTokenBudgetDroppingTheOldestTurns() {
        var user = TestUsers.newUser().userRef();
        var turns = new ArrayList<Turn>();
        for (int i = 0; i < 20; i++) {
            turns.add(new Turn(i % 2 == 0 ? "user" : "assistant", "turn number " + i + " " + "x".repeat(100)));
        }
        var kept = memory.append(user, turns).await().atMost(Duration.ofSeconds(10));

        var budget = 200; // %test.app.support.memory.token-budget
        assertTrue(kept.size() < turns.size(), "pruned");
        assertTrue(kept.stream().mapToInt(Turn::estimatedTokens).sum() <= budget);
        assertEquals(turns.get(turns.size() - 1), kept.get(kept.size() - 1), "the newest turn is kept");
        assertEquals(turns.subList(turns.size() - kept.size(), turns.size()), kept, "oldest dropped first");
        assertEquals(kept, memory.load(user).await().atMost(Duration.ofSeconds(10)));
    }

    @Test
    void memoryIsEncryptedAndForgottenAfterTheIdleTtl() {
        var user = TestUsers.newUser().userRef();
        memory.append(user, List.of(new Turn("user", "where is my lightning address"))).await().indefinitely();

        var raw = redis.value(String.class).get(memory.key(user));
        assertTrue(raw.startsWith("dev-1:"));
        assertFalse(raw.contains("lightning"));
        var ttl = redis.key().pttl(memory.key(user));
        assertTrue(ttl > 0 && ttl <= 8_000, "idle TTL set: " + ttl);
        // another user's key cannot open it (the user ref is authenticated data)
        assertTrue(cipher.decrypt(raw, "u_someone_else").isEmpty());

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                .until(() -> memory.load(user).await().indefinitely().isEmpty());
    }

    @Test
    void aValueUnderAnotherKeyIdReadsAsEmpty() {
        assertTrue(cipher.decrypt("old-key:AAAA", "u_x").isEmpty());
        var sealed = cipher.encrypt("hello", "u_x");
        assertEquals("hello", cipher.decrypt(sealed, "u_x").orElseThrow());
    }
}
