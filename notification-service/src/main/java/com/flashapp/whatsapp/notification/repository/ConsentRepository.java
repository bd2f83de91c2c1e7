package com.flashapp.whatsapp.notification.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;

import static com.flashapp.whatsapp.notification.repository.OutboxRepository.odt;

/** Consent to payment notifications: an append-only record of each choice; the latest is the user's current one. */
@ApplicationScoped
public class ConsentRepository {

    /** Where a choice was made. */
    public static final String LINK_QUESTION = "link-question";
    public static final String COMMAND = "command";

    /** One recorded choice. */
    public record Choice(boolean granted, String wordingVersion, String source, Instant recordedAt) {
    }

    public Uni<Optional<Choice>> latest(SqlClient c, String userRef) {
        return c.preparedQuery("select granted, wording_version, source, recorded_at from notification_consent "
                        + "where user_ref = $1 order by recorded_at desc, id desc limit 1")
                .execute(Tuple.of(userRef))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.<Choice>empty();
                    }
                    var r = rows.iterator().next();
                    return Optional.of(new Choice(r.getBoolean("granted"), r.getString("wording_version"),
                            r.getString("source"), r.getOffsetDateTime("recorded_at").toInstant()));
                });
    }

    public Uni<Void> record(SqlClient c, String userRef, boolean granted, String wordingVersion, String source,
                            Instant at) {
        return c.preparedQuery("insert into notification_consent (user_ref, granted, wording_version, source, "
                        + "recorded_at) values ($1, $2, $3, $4, $5)")
                .execute(Tuple.of(userRef, granted, wordingVersion, source, odt(at)))
                .replaceWithVoid();
    }
}
