package com.flashapp.whatsapp.balance.directory;

import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.service.Phones;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.HexFormat;

import static com.flashapp.whatsapp.balance.wallet.Times.ts;

/**
 * Linked users' WhatsApp addresses ({@code contact_directory}): who a phone number belongs to (send to a phone,
 * request from a phone) and where to message a linked user (payment requests). Only users with an active link
 * are found; the address is encrypted and the phone index is an HMAC, so the table holds no clear number.
 */
@ApplicationScoped
public class ContactDirectory {

    /** A linked user: their userRef, Flash username (may be null), default wallet and WhatsApp address. */
    public record Contact(String userRef, String username, String defaultWalletId, String whatsapp) {
    }

    private final Pool pool;
    private final TokenVault vault;
    private final SecretKeySpec key;

    public ContactDirectory(Pool pool, TokenVault vault, WalletConfig config) {
        this.pool = pool;
        this.vault = vault;
        this.key = new SecretKeySpec(config.directory().hashKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** Remembers the address of a user with an active link (no-op otherwise); called for every request. */
    public Uni<Void> remember(String userRef, String whatsapp) {
        if (userRef == null || whatsapp == null || !whatsapp.startsWith("whatsapp:+")) {
            return Uni.createFrom().voidItem();
        }
        var phoneHash = hash(Phones.e164(whatsapp));
        var ciphertext = vault.encrypt(whatsapp, "directory:" + userRef);
        return pool.preparedQuery("insert into contact_directory (user_ref, phone_hash, whatsapp_ciphertext, updated_at) "
                        + "select user_ref, $2, $3, $4 from flash_link where user_ref = $1 and status = 'ACTIVE' "
                        + "on conflict (user_ref) do update set phone_hash = excluded.phone_hash, "
                        + "whatsapp_ciphertext = excluded.whatsapp_ciphertext, updated_at = excluded.updated_at")
                .execute(Tuple.of(userRef, phoneHash, ciphertext, ts(Instant.now())))
                .replaceWithVoid()
                // a number that moved to another userRef: the old row keeps the hash until that user writes again
                .onFailure().recoverWithUni(e -> pool.preparedQuery("delete from contact_directory where phone_hash = $1 "
                                + "and user_ref <> $2").execute(Tuple.of(phoneHash, userRef)).replaceWithVoid());
    }

    /** The linked user with this E.164 phone number, or null. */
    public Uni<Contact> byPhone(String e164) {
        return find("d.phone_hash = $1", hash(e164));
    }

    /** The linked user with this Flash username, or null. */
    public Uni<Contact> byUsername(String username) {
        return find("lower(l.username) = lower($1)", username);
    }

    private Uni<Contact> find(String condition, String value) {
        return pool.preparedQuery("select d.user_ref, d.whatsapp_ciphertext, l.username, l.default_wallet_id "
                        + "from contact_directory d join flash_link l on l.user_ref = d.user_ref "
                        + "where l.status = 'ACTIVE' and " + condition + " limit 1")
                .execute(Tuple.of(value))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    var row = rows.iterator().next();
                    var userRef = row.getString("user_ref");
                    return new Contact(userRef, row.getString("username"), row.getString("default_wallet_id"),
                            vault.decrypt(row.getString("whatsapp_ciphertext"), "directory:" + userRef));
                });
    }

    /** HMAC-SHA256 of a phone number, hex. */
    public String hash(String e164) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(e164.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC unavailable", e);
        }
    }
}
