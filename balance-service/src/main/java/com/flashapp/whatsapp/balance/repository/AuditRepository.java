package com.flashapp.whatsapp.balance.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

import static com.flashapp.whatsapp.balance.repository.Sql.ts;

/** The MFA audit log ({@code mfa_audit}): who, what, decision, why. Never codes or tokens. */
@ApplicationScoped
public class AuditRepository {

    private final Pool pool;

    public AuditRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> record(String userRef, String operation, String decision, String reason, Instant at) {
        return pool.preparedQuery("insert into mfa_audit (user_ref, operation, decision, reason, decided_at) "
                        + "values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(userRef, operation, decision, reason, ts(at)))
                .replaceWithVoid();
    }
}
