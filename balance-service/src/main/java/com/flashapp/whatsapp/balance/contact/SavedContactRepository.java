package com.flashapp.whatsapp.balance.contact;

import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import static com.flashapp.whatsapp.balance.wallet.Times.instant;
import static com.flashapp.whatsapp.balance.wallet.Times.ts;

/**
 * A user's saved contacts ({@code saved_contact}): name and number encrypted together, bound to the owner's userRef
 * (another user's key cannot open them), and a keyed hash of the normalised name for "one contact per name".
 */
@ApplicationScoped
public class SavedContactRepository {

    /** One contact, decrypted; {@code status} PENDING (waiting for YES) or SAVED. */
    public record SavedContact(UUID id, String name, String phone, String status, Instant expiresAt) {
    }

    /** How a confirmation ended. */
    public enum Confirmed { SAVED, ALREADY_SAVED, EXPIRED, FULL }

    private static final String SAVED = "SAVED";
    private static final String PENDING = "PENDING";

    private final Pool pool;
    private final TokenVault vault;
    private final ContactDirectory directory;

    public SavedContactRepository(Pool pool, TokenVault vault, ContactDirectory directory) {
        this.pool = pool;
        this.vault = vault;
        this.directory = directory;
    }

    /** The user's saved contacts, by name. */
    public Uni<List<SavedContact>> saved(String userRef) {
        return pool.preparedQuery("select * from saved_contact where user_ref = $1 and status = 'SAVED'")
                .execute(Tuple.of(userRef))
                .map(rows -> {
                    var result = new ArrayList<SavedContact>();
                    rows.forEach(row -> result.add(read(row, userRef)));
                    result.sort(Comparator.comparing(c -> NameMatcher.normalise(c.name())));
                    return result;
                });
    }

    /** A contact of this user waiting for YES (or already saved from it), or null. */
    public Uni<SavedContact> byId(String userRef, UUID id) {
        return pool.preparedQuery("select * from saved_contact where id = $1 and user_ref = $2")
                .execute(Tuple.of(id, userRef))
                .map(rows -> rows.size() == 0 ? null : read(rows.iterator().next(), userRef));
    }

    public Uni<Void> addPending(String userRef, UUID id, String name, String phone, Instant now, Instant expiresAt) {
        return pool.preparedQuery("insert into saved_contact (id, user_ref, name_key, ciphertext, status, created_at, "
                        + "expires_at) values ($1, $2, $3, $4, 'PENDING', $5, $6)")
                .execute(Tuple.from(List.of(id, userRef, nameKey(userRef, name), encrypt(userRef, name, phone),
                        ts(now), ts(expiresAt))))
                .replaceWithVoid();
    }

    /**
     * YES to a pending contact: it replaces a saved one of the same name, and is refused when the user already
     * keeps {@code max} others. One transaction, the pending row locked: a redelivered YES finds it SAVED.
     */
    public Uni<Confirmed> confirm(String userRef, UUID id, Instant now, int max) {
        return pool.withTransaction(tx -> tx.preparedQuery("select * from saved_contact where id = $1 and user_ref = $2 "
                        + "for update").execute(Tuple.of(id, userRef)).flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Confirmed.EXPIRED);
                    }
                    var row = rows.iterator().next();
                    if (SAVED.equals(row.getString("status"))) {
                        return Uni.createFrom().item(Confirmed.ALREADY_SAVED);
                    }
                    if (!instant(row, "expires_at").isAfter(now)) {
                        return Uni.createFrom().item(Confirmed.EXPIRED);
                    }
                    var nameKey = row.getString("name_key");
                    return tx.preparedQuery("delete from saved_contact where user_ref = $1 and name_key = $2 "
                                    + "and status = 'SAVED'").execute(Tuple.of(userRef, nameKey))
                            .flatMap(x -> tx.preparedQuery("select count(*) from saved_contact where user_ref = $1 "
                                    + "and status = 'SAVED'").execute(Tuple.of(userRef)))
                            .flatMap(count -> {
                                if (count.iterator().next().getLong(0) >= max) {
                                    return Uni.createFrom().item(Confirmed.FULL);
                                }
                                return tx.preparedQuery("update saved_contact set status = 'SAVED', expires_at = null "
                                                + "where id = $1").execute(Tuple.of(id))
                                        .replaceWith(Confirmed.SAVED);
                            });
                }))
                // FULL only without a same-name contact (replacing one frees its place), so nothing was deleted
                .flatMap(outcome -> outcome == Confirmed.FULL
                        ? drop(userRef, id).replaceWith(Confirmed.FULL) : Uni.createFrom().item(outcome));
    }

    /** Deletes one contact (pending or saved) of this user. */
    public Uni<Boolean> drop(String userRef, UUID id) {
        return pool.preparedQuery("delete from saved_contact where id = $1 and user_ref = $2")
                .execute(Tuple.of(id, userRef))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Whether the user has a saved contact of this name. */
    public Uni<SavedContact> savedNamed(String userRef, String name) {
        return pool.preparedQuery("select * from saved_contact where user_ref = $1 and name_key = $2 and status = 'SAVED'")
                .execute(Tuple.of(userRef, nameKey(userRef, name)))
                .map(rows -> rows.size() == 0 ? null : read(rows.iterator().next(), userRef));
    }

    private String nameKey(String userRef, String name) {
        return directory.hash("contact:" + userRef + ":" + NameMatcher.normalise(name));
    }

    private String encrypt(String userRef, String name, String phone) {
        return vault.encrypt(name + "\n" + phone, associatedData(userRef));
    }

    private SavedContact read(Row row, String userRef) {
        var plain = vault.decrypt(row.getString("ciphertext"), associatedData(userRef));
        var cut = plain.lastIndexOf('\n');
        return new SavedContact(row.getUUID("id"), plain.substring(0, cut), plain.substring(cut + 1),
                row.getString("status"), row.getValue("expires_at") == null ? null : instant(row, "expires_at"));
    }

    private static String associatedData(String userRef) {
        return "contact:" + userRef;
    }
}
