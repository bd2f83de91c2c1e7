package com.flashapp.whatsapp.balance.repository;

import com.flashapp.whatsapp.balance.Link;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static com.flashapp.whatsapp.balance.repository.Sql.instant;
import static com.flashapp.whatsapp.balance.repository.Sql.ts;

/** Links (table {@code flash_link}); writes take a {@link SqlClient} so they can join a transaction. */
@ApplicationScoped
public class LinkRepository {

    private static final String COLUMNS = "user_ref, flash_account_id, flash_user_id, username, display_currency, "
            + "default_wallet_id, locale, token_ciphertext, status, linked_at, verified_at, last_activity_at";

    private final Pool pool;

    public LinkRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Link> find(String userRef) {
        return pool.preparedQuery("select " + COLUMNS + " from flash_link where user_ref = $1")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
    }

    /** userRefs linked to a Flash account id (normally one). */
    public Uni<List<String>> userRefsForAccount(String flashAccountId) {
        return pool.preparedQuery("select user_ref from flash_link where flash_account_id = $1")
                .execute(Tuple.of(flashAccountId))
                .map(rows -> {
                    var refs = new ArrayList<String>();
                    rows.forEach(row -> refs.add(row.getString("user_ref")));
                    return refs;
                });
    }

    /** Creates or replaces the link as ACTIVE with a fresh verified session. */
    public Uni<Void> saveVerified(SqlClient client, Link link, Instant now) {
        return client.preparedQuery("insert into flash_link (" + COLUMNS + ", updated_at) values "
                        + "($1, $2, $3, $4, $5, $6, $7, $8, 'ACTIVE', $9, $9, $9, $9) on conflict (user_ref) do update set "
                        + "flash_account_id = excluded.flash_account_id, flash_user_id = excluded.flash_user_id, "
                        + "username = excluded.username, display_currency = excluded.display_currency, "
                        + "default_wallet_id = excluded.default_wallet_id, "
                        + "locale = coalesce(excluded.locale, flash_link.locale), "
                        + "token_ciphertext = excluded.token_ciphertext, status = 'ACTIVE', "
                        + "linked_at = case when flash_link.status = 'ACTIVE' then flash_link.linked_at "
                        + "else excluded.linked_at end, "
                        + "verified_at = excluded.verified_at, last_activity_at = excluded.last_activity_at, "
                        + "updated_at = excluded.updated_at")
                .execute(Tuple.from(Arrays.asList(link.userRef(), link.flashAccountId(),
                        link.flashUserId(), link.username(), link.displayCurrency(), link.defaultWalletId(),
                        link.locale(), link.tokenCiphertext(), ts(now))))
                .replaceWithVoid();
    }

    /** A correct MFA code: new token, new session. */
    public Uni<Void> reverified(String userRef, String tokenCiphertext, Instant now) {
        return pool.preparedQuery("update flash_link set token_ciphertext = $2, verified_at = $3, "
                        + "last_activity_at = $3, updated_at = $3 where user_ref = $1")
                .execute(Tuple.of(userRef, tokenCiphertext, ts(now)))
                .replaceWithVoid();
    }

    /** Activity inside a verified session (keeps it from idling out). */
    public Uni<Void> touch(String userRef, Instant now) {
        return pool.preparedQuery("update flash_link set last_activity_at = $2 where user_ref = $1")
                .execute(Tuple.of(userRef, ts(now)))
                .replaceWithVoid();
    }

    /** Flash refused the token: forget it and mark the link stale. True when this call changed the row. */
    public Uni<Boolean> markStale(SqlClient client, String userRef, Instant now) {
        return client.preparedQuery("update flash_link set status = 'STALE', token_ciphertext = null, "
                        + "verified_at = null, updated_at = $2 where user_ref = $1 and status = 'ACTIVE'")
                .execute(Tuple.of(userRef, ts(now)))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Boolean> delete(SqlClient client, String userRef) {
        return client.preparedQuery("delete from flash_link where user_ref = $1")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Rows whose token was encrypted with another key than {@code activeKeyId}. */
    public Uni<List<String[]>> tokensNotUnder(String activeKeyId, int limit) {
        return pool.preparedQuery("select user_ref, token_ciphertext from flash_link where token_ciphertext is not null "
                        + "and token_ciphertext not like $1 limit $2")
                .execute(Tuple.of(activeKeyId + ":%", limit))
                .map(rows -> {
                    var result = new ArrayList<String[]>();
                    rows.forEach(row -> result.add(new String[]{row.getString("user_ref"),
                            row.getString("token_ciphertext")}));
                    return result;
                });
    }

    /** Replaces a ciphertext only if nobody changed it meanwhile. */
    public Uni<Boolean> replaceToken(String userRef, String oldCiphertext, String newCiphertext) {
        return pool.preparedQuery("update flash_link set token_ciphertext = $3 where user_ref = $1 "
                        + "and token_ciphertext = $2")
                .execute(Tuple.of(userRef, oldCiphertext, newCiphertext))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Void> updateLocale(String userRef, String locale) {
        return pool.preparedQuery("update flash_link set locale = $2 where user_ref = $1")
                .execute(Tuple.of(userRef, locale))
                .replaceWithVoid();
    }

    private static Link map(Row row) {
        return new Link(row.getString("user_ref"), row.getString("flash_account_id"), row.getString("flash_user_id"),
                row.getString("username"), row.getString("display_currency"), row.getString("default_wallet_id"),
                row.getString("locale"), row.getString("token_ciphertext"),
                Link.Status.valueOf(row.getString("status")), instant(row, "linked_at"),
                instant(row, "verified_at"), instant(row, "last_activity_at"));
    }
}
