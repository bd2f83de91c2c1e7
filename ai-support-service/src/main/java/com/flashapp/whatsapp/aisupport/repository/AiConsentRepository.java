package com.flashapp.whatsapp.aisupport.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** Consent to Maple AI answers: an append-only record of each choice; the latest is the user's current one. */
@ApplicationScoped
public class AiConsentRepository {

    private final Pool pool;

    public AiConsentRepository(Pool pool) {
        this.pool = pool;
    }

    /** The user's latest choice: granted or declined; empty when they never chose. */
    public Uni<Optional<Boolean>> latest(String userRef) {
        return pool.preparedQuery("select granted from ai_consent where user_ref = $1 "
                        + "order by recorded_at desc, id desc limit 1")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.size() == 0 ? Optional.<Boolean>empty()
                        : Optional.of(rows.iterator().next().getBoolean(0)));
    }

    public Uni<Void> record(String userRef, boolean granted, String wordingVersion, String source, Instant at) {
        return pool.preparedQuery("insert into ai_consent (user_ref, granted, wording_version, source, recorded_at) "
                        + "values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(userRef, granted, wordingVersion, source, at.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }
}
