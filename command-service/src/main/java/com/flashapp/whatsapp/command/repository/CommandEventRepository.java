package com.flashapp.whatsapp.command.repository;

import com.flashapp.whatsapp.command.CommandEvent;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Usage telemetry rows, and the aggregates "admin stats" shows (plain SQL: group-bys read better than HQL). */
@ApplicationScoped
@WithSession
public class CommandEventRepository implements PanacheRepository<CommandEvent> {

    private final Pool pool;

    public CommandEventRepository(Pool pool) {
        this.pool = pool;
    }

    /** Usage since a moment: totals per command and per outcome, and distinct users. */
    public record Usage(long messages, long activeUsers, Map<String, Long> byCommand, Map<String, Long> byOutcome) {
    }

    public Uni<Usage> usageSince(Instant since) {
        var at = OffsetDateTime.ofInstant(since, ZoneOffset.UTC);
        var totals = pool.preparedQuery("select count(*), count(distinct user_ref) from command_event "
                + "where occurred_at >= $1").execute(Tuple.of(at));
        var commands = pool.preparedQuery("select command, count(*) from command_event where occurred_at >= $1 "
                + "group by command order by count(*) desc limit 10").execute(Tuple.of(at));
        var outcomes = pool.preparedQuery("select outcome, count(*) from command_event where occurred_at >= $1 "
                + "group by outcome order by count(*) desc").execute(Tuple.of(at));
        return Uni.combine().all().unis(totals, commands, outcomes).asTuple().map(rows -> {
            var total = rows.getItem1().iterator().next();
            var byCommand = new LinkedHashMap<String, Long>();
            rows.getItem2().forEach(r -> byCommand.put(r.getString(0), r.getLong(1)));
            var byOutcome = new LinkedHashMap<String, Long>();
            rows.getItem3().forEach(r -> byOutcome.put(r.getString(0), r.getLong(1)));
            return new Usage(total.getLong(0), total.getLong(1), byCommand, byOutcome);
        });
    }
}
