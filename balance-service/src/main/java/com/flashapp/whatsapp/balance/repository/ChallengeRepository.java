package com.flashapp.whatsapp.balance.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Arrays;

import static com.flashapp.whatsapp.balance.repository.Sql.instant;
import static com.flashapp.whatsapp.balance.repository.Sql.ts;

/** The code flow in progress per user ({@code code_challenge}), and the wrong-code counter ({@code otp_guard}). */
@ApplicationScoped
public class ChallengeRepository {

    /** A code flow: {@code purpose} is {@code link} or {@code mfa:<pending request id>}. */
    public record Challenge(String userRef, String purpose, String expectationId, String locale, Instant createdAt,
                            Instant expiresAt) {
    }

    /** Wrong codes in the current window and the lock, if any. */
    public record Guard(int failures, Instant windowStartedAt, Instant lockedUntil) {
    }

    private final Pool pool;

    public ChallengeRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> save(Challenge challenge) {
        return pool.preparedQuery("insert into code_challenge (user_ref, purpose, expectation_id, locale, created_at, "
                        + "expires_at) values ($1, $2, $3, $4, $5, $6) on conflict (user_ref) do update set "
                        + "purpose = excluded.purpose, expectation_id = excluded.expectation_id, "
                        + "locale = excluded.locale, created_at = excluded.created_at, expires_at = excluded.expires_at")
                .execute(Tuple.from(Arrays.asList(challenge.userRef(), challenge.purpose(), challenge.expectationId(),
                        challenge.locale(), ts(challenge.createdAt()), ts(challenge.expiresAt()))))
                .replaceWithVoid();
    }

    public Uni<Challenge> find(String userRef) {
        return pool.preparedQuery("select * from code_challenge where user_ref = $1")
                .execute(Tuple.of(userRef))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    var row = rows.iterator().next();
                    return new Challenge(row.getString("user_ref"), row.getString("purpose"),
                            row.getString("expectation_id"), row.getString("locale"), instant(row, "created_at"),
                            instant(row, "expires_at"));
                });
    }

    public Uni<Void> delete(String userRef) {
        return pool.preparedQuery("delete from code_challenge where user_ref = $1")
                .execute(Tuple.of(userRef)).replaceWithVoid();
    }

    public Uni<Guard> guard(String userRef) {
        return pool.preparedQuery("select failures, window_started_at, locked_until from otp_guard where user_ref = $1")
                .execute(Tuple.of(userRef))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return new Guard(0, null, null);
                    }
                    var row = rows.iterator().next();
                    return new Guard(row.getInteger("failures"), instant(row, "window_started_at"),
                            instant(row, "locked_until"));
                });
    }

    public Uni<Void> saveGuard(String userRef, Guard guard) {
        return pool.preparedQuery("insert into otp_guard (user_ref, failures, window_started_at, locked_until) "
                        + "values ($1, $2, $3, $4) on conflict (user_ref) do update set failures = excluded.failures, "
                        + "window_started_at = excluded.window_started_at, locked_until = excluded.locked_until")
                .execute(Tuple.from(Arrays.asList(userRef, guard.failures(), ts(guard.windowStartedAt()),
                        ts(guard.lockedUntil()))))
                .replaceWithVoid();
    }

    public Uni<Void> resetGuard(String userRef) {
        return pool.preparedQuery("delete from otp_guard where user_ref = $1")
                .execute(Tuple.of(userRef)).replaceWithVoid();
    }
}
