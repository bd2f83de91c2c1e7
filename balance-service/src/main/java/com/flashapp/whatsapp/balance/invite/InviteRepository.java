package com.flashapp.whatsapp.balance.invite;

import com.flashapp.whatsapp.balance.invite.Invite.Status;
import com.flashapp.whatsapp.balance.payment.PaymentIntent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static com.flashapp.whatsapp.balance.wallet.Times.instant;
import static com.flashapp.whatsapp.balance.wallet.Times.ts;

/** Invites ({@code payment_invite}) and when a number was last sent the invite template ({@code invite_notice}). */
@ApplicationScoped
public class InviteRepository {

    private static final String COLUMNS = "id, user_ref, number, status, phone_hash, ciphertext, recipient_label, "
            + "kind, wallet_id, wallet_currency, amount_minor, usd_cents, attempt, created_at, expires_at";

    /** An invite that was closed by the expiry, with the addresses its ciphertext held before it was wiped. */
    public record Expired(Invite invite, String ciphertext) {
    }

    private final Pool pool;

    public InviteRepository(Pool pool) {
        this.pool = pool;
    }

    public Pool pool() {
        return pool;
    }

    /** Stores a new ASKED invite under the sender's next number; returns the invite with its number. */
    public Uni<Invite> create(Invite invite) {
        return pool.preparedQuery("insert into payment_invite (" + COLUMNS + ") select $1, $2, "
                        + "coalesce(max(number), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 "
                        + "from payment_invite where user_ref = $2 returning " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(invite.id(), invite.userRef(), invite.status().name(),
                        invite.phoneHash(), invite.ciphertext(), invite.recipientLabel(), invite.kind().name(),
                        invite.walletId(), invite.walletCurrency(), invite.amountMinor(), invite.usdCents(),
                        invite.attempt(), ts(invite.createdAt()), ts(invite.expiresAt()))))
                .map(InviteRepository::first);
    }

    public Uni<Invite> find(UUID id, String userRef) {
        return pool.preparedQuery("select " + COLUMNS + " from payment_invite where id = $1 and user_ref = $2")
                .execute(Tuple.of(id, userRef))
                .map(InviteRepository::first);
    }

    /** ASKED → OPEN (the sender said YES in time), open until {@code expiresAt}; null when it was not ASKED. */
    public Uni<Invite> open(UUID id, String userRef, Instant now, Instant expiresAt) {
        return pool.preparedQuery("update payment_invite set status = 'OPEN', decided_at = $3, expires_at = $4 "
                        + "where id = $1 and user_ref = $2 and status = 'ASKED' and expires_at > $3 "
                        + "returning " + COLUMNS)
                .execute(Tuple.of(id, userRef, ts(now), ts(expiresAt)))
                .map(InviteRepository::first);
    }

    /** Closes an ASKED invite (NO, or a YES too late) as DECLINED and wipes its addresses; true when it changed. */
    public Uni<Boolean> decline(UUID id, String userRef, Instant now) {
        return pool.preparedQuery("update payment_invite set status = 'DECLINED', decided_at = $3, ciphertext = null "
                        + "where id = $1 and user_ref = $2 and status = 'ASKED'")
                .execute(Tuple.of(id, userRef, ts(now)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The sender's OPEN invite with this number → CANCELLED (addresses wiped); null when there is none. */
    public Uni<Invite> cancel(String userRef, int number, Instant now) {
        return pool.preparedQuery("update payment_invite set status = 'CANCELLED', decided_at = $3, ciphertext = null "
                        + "where user_ref = $1 and number = $2 and status = 'OPEN' returning " + COLUMNS)
                .execute(Tuple.of(userRef, number, ts(now)))
                .map(InviteRepository::first);
    }

    /** Records that this number wants no invite messages ("stop"); a second time keeps the first time. */
    public Uni<Void> optOut(String phoneHash, Instant now) {
        return pool.preparedQuery("insert into invite_opt_out (phone_hash, opted_out_at) values ($1, $2) "
                        + "on conflict (phone_hash) do nothing")
                .execute(Tuple.of(phoneHash, ts(now)))
                .replaceWithVoid();
    }

    /** Whether this number said "stop" to invites. */
    public Uni<Boolean> optedOut(String phoneHash) {
        return pool.preparedQuery("select 1 from invite_opt_out where phone_hash = $1")
                .execute(Tuple.of(phoneHash))
                .map(rows -> rows.size() > 0);
    }

    /** The sender's invites waiting for their number (OPEN, or being paid), oldest first. */
    public Uni<List<Invite>> waiting(String userRef) {
        return pool.preparedQuery("select " + COLUMNS + " from payment_invite where user_ref = $1 "
                        + "and status in ('OPEN', 'CLAIMING') order by number")
                .execute(Tuple.of(userRef))
                .map(InviteRepository::all);
    }

    /** US cents the sender has in invites waiting for their number. */
    public Uni<Long> waitingCents(String userRef) {
        return pool.preparedQuery("select coalesce(sum(usd_cents), 0) as total from payment_invite where user_ref = $1 "
                        + "and status in ('OPEN', 'CLAIMING')")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.iterator().next().getLong("total"));
    }

    /** Invites to this number that may be paid now: OPEN within their time, or CLAIMING (outcome unknown). */
    public Uni<List<Invite>> payable(String phoneHash, Instant now) {
        return pool.preparedQuery("select " + COLUMNS + " from payment_invite where phone_hash = $1 "
                        + "and (status = 'CLAIMING' or (status = 'OPEN' and expires_at > $2)) order by created_at")
                .execute(Tuple.of(phoneHash, ts(now)))
                .map(InviteRepository::all);
    }

    /**
     * Takes the invite for paying: OPEN within its time → CLAIMING, or already CLAIMING (paid again with the same
     * idempotency key). Null when it cannot be paid (any more): paid, cancelled, expired.
     */
    public Uni<Invite> take(SqlClient tx, UUID id, Instant now) {
        return tx.preparedQuery("update payment_invite set status = 'CLAIMING' where id = $1 "
                        + "and (status = 'CLAIMING' or (status = 'OPEN' and expires_at > $2)) returning " + COLUMNS)
                .execute(Tuple.of(id, ts(now)))
                .map(InviteRepository::first);
    }

    /** CLAIMING → PAID, addresses wiped. */
    public Uni<Void> paid(UUID id, Instant now) {
        return pool.preparedQuery("update payment_invite set status = 'PAID', decided_at = $2, ciphertext = null "
                        + "where id = $1 and status = 'CLAIMING'")
                .execute(Tuple.of(id, ts(now)))
                .replaceWithVoid();
    }

    /** CLAIMING → OPEN after Flash refused the payment; the next attempt gets a new idempotency key. */
    public Uni<Void> reopen(UUID id) {
        return pool.preparedQuery("update payment_invite set status = 'OPEN', attempt = attempt + 1 "
                        + "where id = $1 and status = 'CLAIMING'")
                .execute(Tuple.of(id))
                .replaceWithVoid();
    }

    /** OPEN invites past their time → EXPIRED (addresses wiped), returned with the addresses they held. */
    public Uni<List<Expired>> expire(Instant now) {
        return pool.preparedQuery("update payment_invite p set status = 'EXPIRED', decided_at = $1, ciphertext = null "
                        + "from (select id, ciphertext from payment_invite where status = 'OPEN' and expires_at <= $1 "
                        + "for update skip locked) old where p.id = old.id returning p.id, p.user_ref, p.number, "
                        + "p.status, p.phone_hash, old.ciphertext, p.recipient_label, p.kind, p.wallet_id, "
                        + "p.wallet_currency, p.amount_minor, p.usd_cents, p.attempt, p.created_at, p.expires_at")
                .execute(Tuple.of(ts(now)))
                .map(rows -> {
                    var expired = new ArrayList<Expired>();
                    for (var row : rows) {
                        expired.add(new Expired(map(row), row.getString("ciphertext")));
                    }
                    return expired;
                });
    }

    /**
     * Records that the number is sent the invite template now, unless it was within {@code since}: true when the
     * template may go out (one message per number per invite lifetime, whoever invites).
     */
    public Uni<Boolean> notice(String phoneHash, Instant now, Instant since) {
        return pool.preparedQuery("insert into invite_notice (phone_hash, notified_at) values ($1, $2) "
                        + "on conflict (phone_hash) do update set notified_at = excluded.notified_at "
                        + "where invite_notice.notified_at < $3")
                .execute(Tuple.of(phoneHash, ts(now), ts(since)))
                .map(rows -> rows.rowCount() > 0);
    }

    private static Invite first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : map(rows.iterator().next());
    }

    private static List<Invite> all(RowSet<Row> rows) {
        var invites = new ArrayList<Invite>();
        for (var row : rows) {
            invites.add(map(row));
        }
        return invites;
    }

    private static Invite map(Row row) {
        return new Invite(row.getUUID("id"), row.getString("user_ref"), row.getInteger("number"),
                Status.valueOf(row.getString("status")), row.getString("phone_hash"), row.getString("ciphertext"),
                row.getString("recipient_label"), PaymentIntent.Kind.valueOf(row.getString("kind")),
                row.getString("wallet_id"), row.getString("wallet_currency"), row.getLong("amount_minor"),
                row.getLong("usd_cents"), row.getInteger("attempt"), instant(row, "created_at"),
                instant(row, "expires_at"));
    }
}
