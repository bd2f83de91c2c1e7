package com.flashapp.whatsapp.command.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** The newest handoff route per party ({@code user:<userRef>}, {@code agent:<whatsapp address>}), in PostgreSQL. */
@ApplicationScoped
public class HandoffRouteRepository {

    /** A party's route: the ticket and its state. */
    public record Route(long ticket, String state) {
        public boolean open() {
            return !"closed".equals(state);
        }
    }

    private final Pool pool;

    public HandoffRouteRepository(Pool pool) {
        this.pool = pool;
    }

    /** Stores the route unless a newer one is there already; idempotent. */
    public Uni<Void> apply(String party, long ticket, long version, String state) {
        return pool.preparedQuery("insert into handoff_route (party, ticket, version, state, updated_at) "
                        + "values ($1, $2, $3, $4, now()) on conflict (party) do update set ticket = excluded.ticket, "
                        + "version = excluded.version, state = excluded.state, updated_at = excluded.updated_at "
                        + "where handoff_route.version < excluded.version")
                .execute(Tuple.of(party, ticket, version, state)).replaceWithVoid();
    }

    public Uni<Optional<Route>> find(String party) {
        return pool.preparedQuery("select ticket, state from handoff_route where party = $1")
                .execute(Tuple.of(party))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    var r = it.next();
                    return Optional.of(new Route(r.getLong(0), r.getString(1)));
                });
    }
}
