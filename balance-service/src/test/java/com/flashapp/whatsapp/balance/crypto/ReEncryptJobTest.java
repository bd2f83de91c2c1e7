package com.flashapp.whatsapp.balance.crypto;

import com.flashapp.whatsapp.balance.support.FlashWireMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key rotation on real rows: a token under the old key is moved to the active key and still reads the same. */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
class ReEncryptJobTest {

    @Inject
    Pool pool;

    @Inject
    TokenVault vault;

    @Inject
    ReEncryptJob job;

    @Test
    void movesTokensFromTheOldKeyToTheActiveOne() {
        var userRef = "u_test_rotation_" + UUID.randomUUID();
        var token = "flash-session-" + UUID.randomUUID();
        var old = vault.encrypt(token, userRef, "dev");
        pool.preparedQuery("insert into flash_link (user_ref, flash_account_id, flash_user_id, display_currency, "
                        + "token_ciphertext, status, linked_at, updated_at) "
                        + "values ($1, 'acc', 'usr', 'JMD', $2, 'ACTIVE', now(), now())")
                .execute(Tuple.of(userRef, old)).await().indefinitely();

        var moved = job.reEncryptAll().await().indefinitely();

        assertTrue(moved >= 1);
        var raw = pool.preparedQuery("select token_ciphertext from flash_link where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getString(0);
        assertTrue(raw.startsWith(vault.activeKeyId() + ":"), raw.substring(0, 10));
        assertFalse(raw.contains(token));
        assertEquals(token, vault.decrypt(raw, userRef));
        assertEquals(0, job.reEncryptAll().await().indefinitely(), "nothing left under the old key");
        pool.preparedQuery("delete from flash_link where user_ref = $1").execute(Tuple.of(userRef))
                .await().indefinitely();
    }
}
