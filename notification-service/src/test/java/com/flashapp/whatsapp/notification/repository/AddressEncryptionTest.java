package com.flashapp.whatsapp.notification.repository;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A linked account's WhatsApp address is AES-GCM at rest, read back for sending; old clear rows get encrypted. */
@QuarkusTest
class AddressEncryptionTest extends NotificationTestBase {

    @Inject
    AccountRepository accounts;

    @Inject
    AddressEncryptionJob job;

    @Inject
    AddressCipher cipher;

    @Test
    void aLinkedAddressIsStoredEncryptedAndReadBackInClear() {
        var userRef = randomUserRef();
        var to = randomWhatsapp();
        var account = "acct-" + UUID.randomUUID();
        publish(Exchanges.FLASH_EVENTS, new AccountLinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_LINKED,
                "link-" + UUID.randomUUID(), userRef), to, account, "user-1", "keisha", "JMD", List.of("w1")));

        var stored = await().atMost(WAIT).until(() -> storedAddress(userRef), v -> v != null);
        assertFalse(stored.contains(to.substring("whatsapp:".length())), stored);
        assertTrue(stored.startsWith(cipher.activeId() + ":"), stored);
        var link = pool.withTransaction(c -> accounts.findLink(c, userRef, null)).await().atMost(WAIT);
        assertEquals(to, link.orElseThrow().whatsapp());
    }

    @Test
    void anAddressStoredInClearBeforeIsReadAndThenEncryptedByTheJob() {
        var userRef = randomUserRef();
        var to = randomWhatsapp();
        pool.preparedQuery("insert into account_link (user_ref, flash_account_id, whatsapp, linked_at) "
                + "values ($1, $2, $3, now())").execute(Tuple.of(userRef, "acct-" + UUID.randomUUID(), to))
                .await().atMost(WAIT);
        assertEquals(to, pool.withTransaction(c -> accounts.findLink(c, userRef, null)).await().atMost(WAIT)
                .orElseThrow().whatsapp());

        job.encryptBatch().await().atMost(WAIT);

        assertTrue(storedAddress(userRef).startsWith(cipher.activeId() + ":"), storedAddress(userRef));
        assertEquals(to, pool.withTransaction(c -> accounts.findLink(c, userRef, null)).await().atMost(WAIT)
                .orElseThrow().whatsapp());
    }

    @Test
    void aCiphertextMovedToAnotherUserDoesNotDecrypt() {
        var ciphertext = cipher.encrypt("whatsapp:+18765550111", "u_one");
        assertTrue(cipher.decrypt(ciphertext, "u_two").isEmpty());
        assertEquals("whatsapp:+18765550111", cipher.decrypt(ciphertext, "u_one").orElseThrow());
    }

    private String storedAddress(String userRef) {
        var rows = pool.preparedQuery("select whatsapp from account_link where user_ref = $1")
                .execute(Tuple.of(userRef)).await().atMost(WAIT);
        return rows.size() == 0 ? null : rows.iterator().next().getString(0);
    }
}
