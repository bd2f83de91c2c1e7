package com.flashapp.whatsapp.command.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Counts of redacted phrasings the intent layer missed, per day, for "admin stats" and for growing the dataset. */
@ApplicationScoped
public class IntentPhraseRepository {

    /** One phrasing, why it was kept, and how often in the period. */
    public record Counted(String phrase, String reason, long count) {
    }

    private final Pool pool;

    public IntentPhraseRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> count(String phrase, String reason, Instant at) {
        var day = LocalDate.ofInstant(at, ZoneOffset.UTC);
        return pool.preparedQuery("insert into intent_phrase (day, phrase, reason, count, last_seen) "
                        + "values ($1, $2, $3, 1, $4) on conflict (day, phrase, reason) "
                        + "do update set count = intent_phrase.count + 1, last_seen = excluded.last_seen")
                .execute(Tuple.of(day, phrase, reason, OffsetDateTime.ofInstant(at, ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    /** The most frequent phrasings since a moment (whole days). */
    public Uni<List<Counted>> top(Instant since, int limit) {
        var day = LocalDate.ofInstant(since, ZoneOffset.UTC);
        return pool.preparedQuery("select phrase, reason, sum(count) as total from intent_phrase where day >= $1 "
                        + "group by phrase, reason order by total desc, phrase limit $2")
                .execute(Tuple.of(day, limit))
                .map(rows -> {
                    var list = new ArrayList<Counted>();
                    rows.forEach(r -> list.add(new Counted(r.getString(0), r.getString(1), r.getLong(2))));
                    return list;
                });
    }

    /** Deletes days before a moment; the number of rows deleted. */
    public Uni<Integer> purgeBefore(Instant before) {
        return pool.preparedQuery("delete from intent_phrase where day < $1")
                .execute(Tuple.of(LocalDate.ofInstant(before, ZoneOffset.UTC)))
                .map(rows -> rows.rowCount());
    }
}
