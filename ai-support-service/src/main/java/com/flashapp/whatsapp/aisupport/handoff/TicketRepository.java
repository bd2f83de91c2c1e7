package com.flashapp.whatsapp.aisupport.handoff;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Support tickets and their transcript. Every state change takes the next {@code support_route_version}; the partial
 * unique indexes (one open ticket per user, one assigned ticket per agent) settle races between handlers and replicas.
 */
@ApplicationScoped
public class TicketRepository {

    private static final String COLUMNS = "ticket_no, request_id, user_ref, whatsapp, username, reason, state, agent, "
            + "version, created_at, last_activity_at";

    /** One line of a ticket's transcript. */
    public record Line(String sender, String body, Instant sentAt) {
    }

    private final Pool pool;

    public TicketRepository(Pool pool) {
        this.pool = pool;
    }

    /** Opens a waiting ticket; empty if the user already has an open one (or this request opened one before). */
    public Uni<Optional<Ticket>> open(String requestId, String userRef, String whatsapp, String username,
                                      String reason, Instant now) {
        return pool.preparedQuery("insert into support_ticket (request_id, user_ref, whatsapp, username, reason, "
                        + "state, version, created_at, last_activity_at) values ($1, $2, $3, $4, $5, 'waiting', "
                        + "nextval('support_route_version'), $6, $6) on conflict do nothing returning " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(requestId, userRef, whatsapp, username, reason, utc(now))))
                .map(TicketRepository::first);
    }

    public Uni<Optional<Ticket>> byRequest(String requestId) {
        return pool.preparedQuery("select " + COLUMNS + " from support_ticket where request_id = $1")
                .execute(Tuple.of(requestId)).map(TicketRepository::first);
    }

    public Uni<Optional<Ticket>> byNumber(long number) {
        return pool.preparedQuery("select " + COLUMNS + " from support_ticket where ticket_no = $1")
                .execute(Tuple.of(number)).map(TicketRepository::first);
    }

    public Uni<Optional<Ticket>> openOfUser(String userRef) {
        return pool.preparedQuery("select " + COLUMNS + " from support_ticket where user_ref = $1 and state <> 'closed'")
                .execute(Tuple.of(userRef)).map(TicketRepository::first);
    }

    public Uni<Optional<Ticket>> assignedTo(String agent) {
        return pool.preparedQuery("select " + COLUMNS + " from support_ticket where agent = $1 and state = 'assigned'")
                .execute(Tuple.of(agent)).map(TicketRepository::first);
    }

    /** Waiting tickets, oldest first. */
    public Uni<List<Ticket>> waiting() {
        return pool.preparedQuery("select " + COLUMNS + " from support_ticket where state = 'waiting' "
                        + "order by created_at, ticket_no").execute().map(TicketRepository::all);
    }

    /** 1 for the oldest waiting ticket; 0 if the ticket is not waiting. */
    public Uni<Long> position(Ticket ticket) {
        return pool.preparedQuery("select count(*) from support_ticket where state = 'waiting' and "
                        + "(created_at, ticket_no) <= (select created_at, ticket_no from support_ticket "
                        + "where ticket_no = $1 and state = 'waiting')")
                .execute(Tuple.of(ticket.number())).map(rows -> rows.iterator().next().getLong(0));
    }

    /** Agents (of {@code agents}) without an assigned ticket. */
    public Uni<List<String>> free(List<String> agents) {
        return pool.preparedQuery("select agent from support_ticket where state = 'assigned' and agent = any($1)")
                .execute(Tuple.of(agents.toArray(String[]::new)))
                .map(rows -> {
                    var busy = new ArrayList<String>();
                    rows.forEach(r -> busy.add(r.getString(0)));
                    return agents.stream().filter(a -> !busy.contains(a)).toList();
                });
    }

    /**
     * Gives a waiting ticket to an agent; empty when it is no longer waiting or the agent got another one meanwhile
     * (the unique index on assigned agents refuses the second).
     */
    public Uni<Optional<Ticket>> assign(long number, String agent, Instant now) {
        return pool.preparedQuery("update support_ticket set state = 'assigned', agent = $2, assigned_at = $3, "
                        + "last_activity_at = $3, version = nextval('support_route_version') "
                        + "where ticket_no = $1 and state = 'waiting' returning " + COLUMNS)
                .execute(Tuple.of(number, agent, utc(now)))
                .map(TicketRepository::first)
                .onFailure(TicketRepository::uniqueViolation).recoverWithItem(Optional.empty());
    }

    /** Closes an open ticket; empty if it was already closed (by the other side, the idle job or a redelivery). */
    public Uni<Optional<Ticket>> close(long number, String by, Instant now) {
        return pool.preparedQuery("update support_ticket set state = 'closed', closed_at = $3, closed_by = $2, "
                        + "version = nextval('support_route_version') where ticket_no = $1 and state <> 'closed' "
                        + "returning " + COLUMNS)
                .execute(Tuple.of(number, by, utc(now))).map(TicketRepository::first);
    }

    /** Open tickets idle since before the limits: assigned ones by {@code assignedBefore}, waiting ones by the other. */
    public Uni<List<Ticket>> idle(Instant assignedBefore, Instant waitingBefore) {
        return pool.preparedQuery("select " + COLUMNS + " from support_ticket where (state = 'assigned' and "
                        + "last_activity_at < $1) or (state = 'waiting' and last_activity_at < $2)")
                .execute(Tuple.of(utc(assignedBefore), utc(waitingBefore))).map(TicketRepository::all);
    }

    /** Adds a transcript line (once per message id) and marks the ticket active. */
    public Uni<Void> addLine(String messageId, long number, String sender, String body, Instant now) {
        return pool.withTransaction(c -> c.preparedQuery("insert into support_ticket_message (message_id, ticket_no, "
                                + "sender, body, sent_at) values ($1, $2, $3, $4, $5) on conflict do nothing")
                        .execute(Tuple.of(messageId, number, sender, body, utc(now)))
                        .flatMap(x -> c.preparedQuery("update support_ticket set last_activity_at = $2 "
                                + "where ticket_no = $1 and state <> 'closed'").execute(Tuple.of(number, utc(now)))))
                .replaceWithVoid();
    }

    public Uni<List<Line>> transcript(long number) {
        return pool.preparedQuery("select sender, body, sent_at from support_ticket_message where ticket_no = $1 "
                        + "order by sent_at, message_id").execute(Tuple.of(number))
                .map(rows -> {
                    var lines = new ArrayList<Line>();
                    rows.forEach(r -> lines.add(new Line(r.getString(0), r.getString(1),
                            r.getOffsetDateTime(2).toInstant())));
                    return lines;
                });
    }

    /** Whether unhelpful answers since the user's last ticket, within the window, reached {@code times}. */
    public Uni<Boolean> unhelpfulTimes(String userRef, Instant since, int times) {
        return pool.preparedQuery("select count(*) from support_feedback where user_ref = $1 and not helpful "
                        + "and received_at >= $2 and received_at > coalesce((select max(created_at) from "
                        + "support_ticket where user_ref = $1), '-infinity'::timestamptz)")
                .execute(Tuple.of(userRef, utc(since)))
                .map(rows -> rows.iterator().next().getLong(0) >= times);
    }

    /** The next route version (for a route that closes a ticket this service no longer has). */
    public Uni<Long> nextVersion() {
        return pool.query("select nextval('support_route_version')").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** "delete my data": the user's tickets (open ones returned first, to tell their agents) and transcripts. */
    public Uni<List<Ticket>> erase(String userRef) {
        return pool.preparedQuery("delete from support_ticket where user_ref = $1 returning " + COLUMNS)
                .execute(Tuple.of(userRef)).map(TicketRepository::all);
    }

    static boolean uniqueViolation(Throwable e) {
        return e instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState());
    }

    private static Optional<Ticket> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(ticket(it.next())) : Optional.empty();
    }

    private static List<Ticket> all(RowSet<Row> rows) {
        var list = new ArrayList<Ticket>();
        rows.forEach(r -> list.add(ticket(r)));
        return list;
    }

    private static Ticket ticket(Row r) {
        return new Ticket(r.getLong("ticket_no"), r.getString("request_id"), r.getString("user_ref"),
                r.getString("whatsapp"), r.getString("username"), r.getString("reason"), r.getString("state"),
                r.getString("agent"), r.getLong("version"), r.getOffsetDateTime("created_at").toInstant(),
                r.getOffsetDateTime("last_activity_at").toInstant());
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
