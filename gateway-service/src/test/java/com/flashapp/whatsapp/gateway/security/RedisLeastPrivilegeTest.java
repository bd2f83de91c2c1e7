package com.flashapp.whatsapp.gateway.security;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public-facing gateway reaches Redis as its own ACL user (deploy/local/infra.sh), limited to {@code gateway:*}
 * and to data commands: through the very client the application uses, a {@code command:*} key (command-service's
 * admin sessions and locks) can be neither read nor written, and no dangerous command (FLUSHDB, CONFIG) runs.
 */
@QuarkusTest
class RedisLeastPrivilegeTest {

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "app.redis.key-prefix")
    String keyPrefix;

    @Test
    void itsOwnPrefixWorks() {
        var key = keyPrefix + "least-privilege:" + UUID.randomUUID();
        redis.value(String.class).setex(key, 60, "mine");
        assertEquals("mine", redis.value(String.class).get(key));
        redis.key().del(key);
    }

    @Test
    void commandServiceKeysAreOutOfReach() {
        var key = "command:admin-session:" + UUID.randomUUID();
        assertNoPermission(assertThrows(RuntimeException.class, () -> redis.value(String.class).set(key, "forged")));
        assertNoPermission(assertThrows(RuntimeException.class, () -> redis.value(String.class).get(key)));
        assertNoPermission(assertThrows(RuntimeException.class, () -> redis.key().del(key)));
        // nor through a script that names the key
        assertNoPermission(assertThrows(RuntimeException.class, () -> redis.execute("EVAL",
                "return redis.call('SET', KEYS[1], 'forged')", "1", key)));
    }

    @Test
    void dangerousCommandsAreRefused() {
        assertNoPermission(assertThrows(RuntimeException.class, () -> redis.execute("FLUSHDB")));
        assertNoPermission(assertThrows(RuntimeException.class, () -> redis.execute("CONFIG", "GET", "aclfile")));
        assertNoPermission(assertThrows(RuntimeException.class, () -> redis.execute("KEYS", "*")));
    }

    private static void assertNoPermission(RuntimeException e) {
        var text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append(" | ");
        }
        assertTrue(text.toString().contains("NOPERM"), text.toString());
    }
}
