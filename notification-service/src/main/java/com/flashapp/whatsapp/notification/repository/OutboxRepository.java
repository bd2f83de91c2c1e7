package com.flashapp.whatsapp.notification.repository;

import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.notification.OutboundRecord;
import com.flashapp.whatsapp.notification.OutboundState;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** The outbound queue in PostgreSQL: store, claim, record each outcome, apply status callbacks, history. */
@ApplicationScoped
public class OutboxRepository {

    /** The rank of the stored state, so an update can say "only forward". */
    static final String RANK = "(case state " + Arrays.stream(OutboundState.values())
            .map(s -> "when '" + s.dbValue() + "' then " + s.rank())
            .collect(Collectors.joining(" ")) + " end)";

    private static final String RETURNING = " returning m.id, m.seq, m.correlation_id, m.user_ref, m.kind, "
            + "m.to_address, m.body, m.media_urls, m.quick_replies, m.template_key, m.template_variables, "
            + "greatest(m.last_inbound_at, (select w.last_inbound_at from inbound_window w "
            + "where w.user_ref = m.user_ref)) as window_opened_at, (select w.business_number from inbound_window w "
            + "where w.user_ref = m.user_ref) as window_sender, m.use_template, m.attempts, m.created_at";

    /**
     * For the general claim's transaction only: plan it for its parameters and the table as it is now, and walk the
     * queue through its indexes whatever the statistics say. The claim is built on the recipient index (a skip scan,
     * then one probe per recipient); planned from statistics taken while the queue was nearly empty, it read the
     * whole queue once per recipient per queued row instead: minutes per claim under a 2,000-message backlog (a
     * Twilio outage after a quiet spell, on a server without autovacuum), 31 ms with the indexes.
     */
    static final String CLAIM_PLAN = "select set_config('plan_cache_mode', 'force_custom_plan', true), "
            + "set_config('enable_seqscan', 'off', true)";

    /*
     * The hot path's statements, typed throughout: a parameter PostgreSQL cannot type on its own fails the prepare
     * (42804), and the client then silently prepares it again with types taken from the values (a wasted round
     * trip and parse per execution when statements are not cached). OutboxStatementsTest prepares them untyped.
     */

    /** insertAll: a group of new messages, each idle recipient's first one claimed, plus their inbox records. */
    static final String STORE_GROUP = "with v as (select * from unnest($1::uuid[], $2::varchar[], $3::varchar[], "
            + "$4::varchar[], $5::varchar[], $6::text[], $7::text[], $8::text[], $9::varchar[], "
            + "$10::text[], $11::timestamptz[], $16::timestamptz[]) with ordinality as v(id, correlation_id, user_ref, "
            + "kind, to_address, body, media_urls, quick_replies, template_key, template_variables, "
            + "last_inbound_at, created_at, n)), "
            // the first new row per recipient, if nothing earlier to that recipient is unsent
            + "fresh as (select v.n, v.to_address, row_number() over (partition by v.to_address "
            + "order by v.n) as k from v where not exists (select 1 from outbound_message x "
            + "where x.id = v.id)), "
            + "direct as (select f.n from fresh f where f.k = 1 and not exists (select 1 from "
            + "outbound_pending o where o.to_address = f.to_address) order by f.n limit $15::int), "
            + "m as (insert into outbound_message as m (id, correlation_id, user_ref, kind, to_address, "
            + "body, media_urls, quick_replies, template_key, template_variables, last_inbound_at, state, "
            + "attempts, claimed_at, next_attempt_at, created_at, updated_at) select id, correlation_id, "
            + "user_ref, kind, to_address, body, media_urls::jsonb, quick_replies::jsonb, template_key, "
            + "template_variables::jsonb, last_inbound_at, case when d.n is null then 'queued' "
            + "else 'sending' end, case when d.n is null then 0 else 1 end, case when d.n is null "
            // typed: an untyped $12 in the case is inferred as text, so the prepare failed (42804)
            // and the client prepared it a second time, on every group
            + "then null else $12::timestamptz end, $12, v.created_at, $12 from v left join direct d "
            + "on d.n = v.n order by v.n "
            + "on conflict (id) do nothing" + RETURNING + ", m.state), "
            // every stored message is also in the relay's queue, as it was stored (queued, or claimed)
            + "p as (insert into outbound_pending (id, seq, to_address, state, next_attempt_at, claimed_at, "
            + "created_at) select m.id, m.seq, m.to_address, m.state, $12, case when m.state = 'sending' "
            + "then $12 end, m.created_at from m), "
            + "i as (insert into inbox_message (message_id, consumer, received_at) "
            + "select unnest($13::uuid[]), $14::varchar, $12 on conflict do nothing) "
            + "select * from m";

    /** claim: the general claim (see {@link #claim}), run after {@link #CLAIM_PLAN} in its transaction. */
    static final String CLAIM = "with recursive r(to_address) as ("
            + "(select to_address from outbound_pending order by to_address limit 1) "
            + "union all select (select u.to_address from outbound_pending u "
            + "where u.to_address > r.to_address order by u.to_address limit 1) "
            + "from r where r.to_address is not null), "
            + "h as (select o.id from r cross join lateral (select u.id, u.state, u.next_attempt_at "
            + "from outbound_pending u where u.to_address = r.to_address order by u.seq limit 1) o "
            + "where o.state = 'queued' and o.next_attempt_at <= $1), "
            + "c as (select x.id from outbound_pending x where x.id in (select id from h) "
            + "and x.state = 'queued' order by x.seq limit $2 for update skip locked), "
            + "p as (update outbound_pending q set state = 'sending', claimed_at = $1 from c "
            + "where q.id = c.id returning q.id) "
            + "update outbound_message m set state = 'sending', attempts = m.attempts + 1, "
            + "claimed_at = $1, updated_at = $1 from p where m.id = p.id" + RETURNING;

    /** claimHeads: the next message of each recipient given. */
    static final String CLAIM_HEADS = "with h as (select o.id, o.seq from unnest($1::varchar[]) as r(to_address) "
            + "cross join lateral (select u.id, u.seq, u.state, u.next_attempt_at from outbound_pending u "
            + "where u.to_address = r.to_address order by u.seq limit 1) o where o.state = 'queued' "
            + "and o.next_attempt_at <= $2 order by o.seq limit $3), "
            // a message another claim took first (its queue row no longer queued) is left alone
            + "p as (update outbound_pending q set state = 'sending', claimed_at = $2 from h "
            + "where q.id = h.id and q.state = 'queued' returning q.id) "
            + "update outbound_message m set state = 'sending', attempts = m.attempts + 1, "
            + "claimed_at = $2, updated_at = $2 from p where m.id = p.id"
            + RETURNING;

    /** markAccepted: sending → sent for a group of Twilio acceptances. */
    static final String MARK_ACCEPTED = "with v as (select * from unnest($1::uuid[], $2::varchar[], $3::boolean[], "
            + "$4::timestamptz[]) as v(id, sid, template, at)), "
            + "u as (update outbound_message m set state = 'sent', twilio_sid = v.sid, sent_at = v.at, "
            + "updated_at = v.at, use_template = v.template, error_code = null, error_message = null "
            + "from v where m.id = v.id and m.state = 'sending' returning m.id), "
            // out of the relay's queue; the sid is how its status callbacks find it
            + "d as (delete from outbound_pending q using u where q.id = u.id), "
            + "s as (insert into outbound_sid (twilio_sid, message_id) select v.sid, v.id from v "
            + "join u on u.id = v.id on conflict (twilio_sid) do nothing), "
            // an acceptance that moved the message is its sent_at (the history shows it from there);
            // one that could not (the message was no longer sending) is kept as an unapplied step
            + "e as (insert into outbound_event (message_id, twilio_sid, state, applied, detail, "
            + "occurred_at) select v.id, v.sid, 'sent', false, "
            + "case when v.template then 'accepted by Twilio (template)' else 'accepted by Twilio' end, "
            + "v.at from v where not exists (select 1 from u where u.id = v.id)) "
            + "select id from u";

    /** applyStatuses: the messages the callbacks are about, by their Twilio sids (locked, in id order). */
    static final String STATUS_TARGETS = "select s.twilio_sid, m.id, " + RANK + " as rank, m.sent_at, "
            + "m.use_template from outbound_sid s join outbound_message m on m.id = s.message_id "
            + "where s.twilio_sid = any($1) order by m.id for update of m";

    /** applyStatuses: each message moved forward, once, to where its callbacks left it. */
    static final String STATUS_UPDATE = "update outbound_message m set state = u.state, "
            + "error_code = coalesce(u.error_code, m.error_code), "
            + "error_message = coalesce(u.error_message, m.error_message), updated_at = $5 "
            + "from unnest($1::uuid[], $2::varchar[], $3::varchar[], $4::varchar[]) "
            + "as u(id, state, error_code, error_message) where m.id = u.id";

    /** applyStatuses: every callback in the history, in the order given. */
    static final String STATUS_EVENTS = "insert into outbound_event (message_id, twilio_sid, state, applied, detail, "
            + "occurred_at, to_address) select * from unnest($1::uuid[], $2::varchar[], $3::varchar[], "
            + "$4::boolean[], $5::varchar[], $6::timestamptz[], $7::varchar[])";

    static final String VACUUM = "vacuum (analyze, skip_locked) outbound_pending, outbound_message, outbound_sid";

    private final Pool pool;

    public OutboxRepository(Pool pool) {
        this.pool = pool;
    }

    /** A new message to store, already split to Twilio's size. */
    public record NewMessage(UUID id, String correlationId, String userRef, String kind, String to, String body,
                             List<String> mediaUrls, List<QuickReply> quickReplies, String templateKey,
                             Map<String, String> templateVariables, Instant lastInboundAt) {
    }

    /**
     * Stores a message as queued (its "queued" history step is its created time); a message id already stored is
     * left alone (redelivery). True if stored.
     */
    public Uni<Boolean> insert(SqlClient client, NewMessage m, Instant now) {
        var values = new ArrayList<Object>(Arrays.asList(m.id(), m.correlationId(), m.userRef(), m.kind(),
                m.to(), m.body(), mediaJson(m), repliesJson(m), m.templateKey(), variablesJson(m),
                odt(m.lastInboundAt()), odt(now)));
        return client.preparedQuery("with m as (insert into outbound_message (id, correlation_id, user_ref, "
                        + "kind, to_address, body, media_urls, quick_replies, template_key, template_variables, "
                        + "last_inbound_at, state, next_attempt_at, created_at, updated_at) values ($1, $2, $3, $4, "
                        + "$5, $6, $7, $8, $9, $10, $11, 'queued', $12, $12, $12) on conflict (id) do nothing "
                        + "returning id, seq, to_address) "
                        + "insert into outbound_pending (id, seq, to_address, state, next_attempt_at, created_at) "
                        + "select id, seq, to_address, 'queued', $12, $12 from m")
                .execute(Tuple.from(values))
                .map(rows -> rows.rowCount() == 1);
    }

    /** What a group insert stored: the rows it claimed for sending at once, and the recipients of the rest. */
    public record Stored(List<OutboundRecord> claimed, Set<String> queuedRecipients) {
    }

    /**
     * Stores many messages in one statement, in the order given (so each recipient's {@code seq} follows the order
     * the broker delivered them), and records the broker messages they came from in the consumer's inbox. Message ids already stored are left alone (redelivery). Atomic: if any row is
     * refused (a poison message) nothing is stored and the caller stores them one by one instead.
     * <p>
     * Up to {@code claimLimit} rows are stored already claimed (sending) so the relay sends them without a claim
     * query: the first new row of each recipient that has nothing unsent stored before it. The others are stored
     * queued, behind their recipient's earlier message, and their recipients are returned: the caller claims
     * their heads once this commit is visible (a send that finished meanwhile may not have seen them).
     */
    public Uni<Stored> insertAll(List<NewMessage> messages, List<Instant> createdAt, List<UUID> inboxIds,
                                 String consumer, Instant now, int claimLimit) {
        int n = messages.size();
        var ids = new UUID[n];
        var correlations = new String[n];
        var users = new String[n];
        var kinds = new String[n];
        var tos = new String[n];
        var bodies = new String[n];
        var media = new String[n];
        var replies = new String[n];
        var templateKeys = new String[n];
        var variables = new String[n];
        var inbounds = new OffsetDateTime[n];
        var created = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            created[i] = odt(createdAt.get(i));
            var m = messages.get(i);
            ids[i] = m.id();
            correlations[i] = m.correlationId();
            users[i] = m.userRef();
            kinds[i] = m.kind();
            tos[i] = m.to();
            bodies[i] = m.body();
            media[i] = mediaJson(m).encode();
            replies[i] = repliesJson(m).encode();
            templateKeys[i] = m.templateKey();
            variables[i] = variablesJson(m).encode();
            inbounds[i] = odt(m.lastInboundAt());
        }
        var values = Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(correlations).addArrayOfString(users)
                .addArrayOfString(kinds).addArrayOfString(tos).addArrayOfString(bodies).addArrayOfString(media)
                .addArrayOfString(replies).addArrayOfString(templateKeys).addArrayOfString(variables)
                .addArrayOfOffsetDateTime(inbounds).addOffsetDateTime(odt(now))
                .addArrayOfUUID(inboxIds.toArray(UUID[]::new)).addString(consumer).addInteger(Math.max(0, claimLimit))
                .addArrayOfOffsetDateTime(created);
        return pool.preparedQuery(STORE_GROUP)
                .execute(values)
                .map(rows -> {
                    var claimed = new ArrayList<OutboundRecord>();
                    var queued = new HashSet<String>();
                    for (var r : rows) {
                        if ("sending".equals(r.getString("state"))) {
                            claimed.add(record(r));
                        } else {
                            queued.add(r.getString("to_address"));
                        }
                    }
                    claimed.sort(Comparator.comparingLong(OutboundRecord::seq));
                    return new Stored(claimed, queued);
                });
    }

    private static JsonArray mediaJson(NewMessage m) {
        return new JsonArray(new ArrayList<>(m.mediaUrls() == null ? List.of() : m.mediaUrls()));
    }

    private static JsonArray repliesJson(NewMessage m) {
        var replies = new JsonArray();
        for (var q : m.quickReplies() == null ? List.<QuickReply>of() : m.quickReplies()) {
            replies.add(new JsonObject().put("payload", q.payload()).put("title", q.title()));
        }
        return replies;
    }

    private static JsonObject variablesJson(NewMessage m) {
        var variables = new JsonObject();
        if (m.templateVariables() != null) {
            m.templateVariables().forEach(variables::put);
        }
        return variables;
    }

    /**
     * Puts back to queued every message a dead relay left in sending (its lease ran out) — except one Twilio did
     * take: the relay died between Twilio's answer and recording it, and Twilio's status callback for it came with a
     * sid we did not know. One message per recipient is in flight, so an unmatched callback to the same recipient
     * since the claim is that message's: it is recorded as sent with that sid (and the callback applied), never sent
     * a second time. Returns how many were re-queued.
     */
    public Uni<Integer> requeueStale(Instant now, Instant leaseCutoff) {
        return adoptOrphanCallbacks(leaseCutoff).flatMap(adopted -> requeueUnsent(now, leaseCutoff));
    }

    /** Stale messages that Twilio accepted after all, recorded as sent: how many. */
    Uni<Integer> adoptOrphanCallbacks(Instant leaseCutoff) {
        return pool.preparedQuery("select distinct on (p.id) p.id, e.twilio_sid, m.use_template, e.occurred_at "
                        + "from outbound_pending p join outbound_message m on m.id = p.id "
                        + "join outbound_event e on e.message_id is null and e.twilio_sid is not null "
                        + "and e.to_address = m.to_address and e.occurred_at >= p.claimed_at "
                        + "where p.state = 'sending' and p.claimed_at < $1 order by p.id, e.occurred_at")
                .execute(Tuple.of(odt(leaseCutoff)))
                .flatMap(rows -> {
                    var found = new ArrayList<Accepted>();
                    rows.forEach(r -> found.add(new Accepted(r.getUUID("id"), r.getString("twilio_sid"),
                            Boolean.TRUE.equals(r.getBoolean("use_template")),
                            r.getOffsetDateTime("occurred_at").toInstant())));
                    if (found.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    Log.warnf("%d message(s) left in sending were accepted by Twilio (their callbacks came): "
                            + "recorded as sent, not sent again", found.size());
                    return markAccepted(found).map(Set::size);
                });
    }

    private Uni<Integer> requeueUnsent(Instant now, Instant leaseCutoff) {
        return pool.withTransaction(c -> c.preparedQuery("with p as (update outbound_pending set "
                        + "state = 'queued', next_attempt_at = $1, claimed_at = null where state = 'sending' "
                        + "and claimed_at < $2 returning id) update outbound_message m set state = 'queued', "
                        + "next_attempt_at = $1, updated_at = $1 from p where m.id = p.id returning m.id")
                .execute(Tuple.of(odt(now), odt(leaseCutoff)))
                .flatMap(rows -> {
                    var ids = new ArrayList<UUID>();
                    rows.forEach(r -> ids.add(r.getUUID("id")));
                    if (ids.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return c.preparedQuery("insert into outbound_event (message_id, state, applied, detail, "
                                    + "occurred_at) values ($1, 'queued', true, 'sending lease expired', $2)")
                            .executeBatch(ids.stream().map(id -> Tuple.of(id, odt(now))).toList())
                            .replaceWith(ids.size());
                }));
    }

    /**
     * Claims due messages (queued → sending), at most one per recipient and only when nothing earlier to that
     * recipient is still unsent, so replies to one user go out in the order they were stored. Skip-locked:
     * several relays (replicas) never claim the same message.
     * <p>
     * It walks the recipients that have unsent messages (a skip scan of the unsent index: one probe per recipient,
     * however long each one's queue) and takes each one's oldest unsent message if that one is queued and due;
     * comparing every queued row with the others instead cost ~30 ms per claim under a 6,500-message backlog and
     * grew with it.
     */
    public Uni<List<OutboundRecord>> claim(Instant now, int batchSize) {
        // The pool caches prepared statements, and after five runs PostgreSQL may keep one generic plan for this
        // statement, made while the outbox was nearly empty (a stale plan once made each claim take 1-4 s); and
        // statistics can be as stale as such a plan (see CLAIM_PLAN): a custom plan per claim, on the indexes.
        return pool.withTransaction(c -> c.query(CLAIM_PLAN).execute().flatMap(ignored -> c.preparedQuery(CLAIM)
                .execute(Tuple.of(odt(now), batchSize)))
                .map(rows -> {
                    var claimed = new ArrayList<OutboundRecord>();
                    rows.forEach(r -> claimed.add(record(r)));
                    claimed.sort(Comparator.comparingLong(OutboundRecord::seq));
                    return claimed;
                }));
    }

    /**
     * Claims the next message of each recipient given (its oldest unsent one, if that is queued and due), at most
     * {@code limit}: what the relay runs after a recipient's message was recorded, and after a group stored
     * messages behind others. It must run after the change it follows committed: then of a finished send and a
     * store racing each other, the later one's claim sees both. A message another claim took first is left alone.
     */
    public Uni<List<OutboundRecord>> claimHeads(Collection<String> recipients, Instant now, int limit) {
        if (recipients.isEmpty() || limit <= 0) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery(CLAIM_HEADS)
                .execute(Tuple.of(recipients.toArray(String[]::new), odt(now), limit))
                .map(rows -> {
                    var claimed = new ArrayList<OutboundRecord>();
                    rows.forEach(r -> claimed.add(record(r)));
                    claimed.sort(Comparator.comparingLong(OutboundRecord::seq));
                    return claimed;
                });
    }

    /**
     * Removes the dead row versions the relay's writes leave behind (and their index entries), without blocking
     * reads or writes; skipped if another vacuum of a table is running. The relay's queue first: every message is
     * inserted there and deleted, and each claim walks its index. Then the records: their updates are HOT, pruned
     * on their pages as they go, so this is mostly a pass over the pages written since the last one (PostgreSQL
     * skips the index pass when few dead entries point into the table). The Twilio sids are insert-only: only
     * analyzed, in effect. Each table is analyzed too: on a server without autovacuum (or before its first pass) the
     * planner would otherwise keep the plans it made for the relay's prepared statements while the tables were
     * empty — sequential scans, read in full for every group of sends and callbacks (measured: 17,000 full reads
     * of the records in a fresh outbox's first 8,500 messages, 12 ms of PostgreSQL's CPU per message).
     * {@code costDelay} paces it as autovacuum is paced (a pause per {@code vacuum_cost_limit} of page work; zero:
     * full speed).
     */
    public Uni<Void> vacuum(Duration costDelay) {
        if (costDelay.isZero()) {
            return pool.query(VACUUM).execute().replaceWithVoid();
        }
        // cost-based delay, on this connection only (reset before it goes back to the pool)
        var millis = String.format(Locale.ROOT, "%.3f", costDelay.toNanos() / 1e6);
        return pool.withConnection(c -> c.query("set vacuum_cost_delay = " + millis).execute()
                        .flatMap(ignored -> c.query(VACUUM).execute())
                        .eventually(() -> c.query("reset vacuum_cost_delay").execute()))
                .replaceWithVoid();
    }

    /**
     * Statistics of the relay's queue only: it grew far past what the planner last saw (a backlog building up while
     * Twilio is away and nothing is claimed). A few milliseconds however deep the queue.
     */
    public Uni<Void> analyzeQueue() {
        return pool.query("analyze outbound_pending").execute().replaceWithVoid();
    }

    /** Twilio accepted a message (its sid), when, and whether as the approved template. */
    public record Accepted(UUID id, String sid, boolean template, Instant at) {
    }

    /** Twilio accepted the message: sending → sent, then any status callback that beat us here is applied. */
    public Uni<Boolean> markAccepted(UUID id, String sid, boolean template, Instant now) {
        return markAccepted(List.of(new Accepted(id, sid, template, now)))
                .map(applied -> applied.contains(id));
    }

    /**
     * Several accepted messages in one statement (sending → sent, plus their history steps; the relay groups the
     * sends that finish together), then any status callback that beat us to a sid is applied. Returns the ids
     * that moved to sent (a message no longer in sending, e.g. re-queued by its lease, is left alone). The early
     * callbacks are applied after that, without holding up the relay: they only ever move a message forward.
     */
    public Uni<Set<UUID>> markAccepted(List<Accepted> accepted) {
        var ids = accepted.stream().map(Accepted::id).toArray(UUID[]::new);
        var sids = accepted.stream().map(Accepted::sid).toArray(String[]::new);
        var templates = accepted.stream().map(Accepted::template).toArray(Boolean[]::new);
        var times = accepted.stream().map(a -> odt(a.at())).toArray(OffsetDateTime[]::new);
        return pool.preparedQuery(MARK_ACCEPTED)
                .execute(Tuple.of(ids, sids, templates, times))
                .map(rows -> {
                    var moved = new HashSet<UUID>();
                    rows.forEach(r -> moved.add(r.getUUID("id")));
                    return (Set<UUID>) moved;
                })
                .invoke(moved -> applyEarlyStatuses(accepted, sids).subscribe().with(ignored -> { },
                        // the callback stays in the history (unapplied); the sent state is already stored
                        e -> Log.warnf("Early status callbacks not applied: %s", e.toString())));
    }

    /** Status callbacks recorded before we knew their sid (no message yet), for the sids just stored. */
    private Uni<Void> applyEarlyStatuses(List<Accepted> accepted, String[] sids) {
        return pool.preparedQuery("select distinct twilio_sid from outbound_event where twilio_sid = any($1) "
                        + "and message_id is null")
                .execute(Tuple.of((Object) sids))
                .flatMap(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    var early = new HashSet<String>();
                    rows.forEach(r -> early.add(r.getString(0)));
                    return Multi.createFrom().iterable(accepted)
                            .filter(a -> early.contains(a.sid()))
                            .onItem().transformToUniAndConcatenate(a -> applyEarlyStatuses(a.id(), a.sid()))
                            .collect().last()
                            .replaceWithVoid();
                });
    }

    private Uni<Void> applyEarlyStatuses(UUID id, String sid) {
        return pool.preparedQuery("select state, detail from outbound_event where twilio_sid = $1 "
                        + "and message_id is null")
                .execute(Tuple.of(sid))
                .flatMap(rows -> {
                    OutboundState best = null;
                    for (var r : rows) {
                        var s = OutboundState.fromTwilio(r.getString("state"));
                        if (s != null && (best == null || s.rank() > best.rank())) {
                            best = s;
                        }
                    }
                    if (best == null) {
                        return Uni.createFrom().voidItem();
                    }
                    var target = best;
                    // a message re-queued meanwhile (its lease ran out) that Twilio did deliver leaves the queue
                    return pool.preparedQuery("with u as (update outbound_message set state = $2, "
                                    + "updated_at = now() where id = $1 and " + RANK + " < $3 returning id) "
                                    + "delete from outbound_pending q using u where q.id = u.id")
                            .execute(Tuple.of(id, target.dbValue(), target.rank()))
                            .flatMap(ignored -> pool.preparedQuery("update outbound_event set message_id = $1 "
                                    + "where twilio_sid = $2 and message_id is null").execute(Tuple.of(id, sid)))
                            .replaceWithVoid();
                });
    }

    /** A retryable error: back to queued, due again at {@code nextAttemptAt}. */
    public Uni<Void> markRetry(UUID id, Instant nextAttemptAt, String code, String reason, Instant now) {
        return pool.withTransaction(c -> c.preparedQuery("with u as (update outbound_message set "
                                + "state = 'queued', next_attempt_at = $2, error_code = $3, error_message = $4, "
                                + "updated_at = $5 where id = $1 and state = 'sending' returning id) "
                                + "update outbound_pending q set state = 'queued', next_attempt_at = $2, "
                                + "claimed_at = null from u where q.id = u.id")
                        .execute(Tuple.of(id, odt(nextAttemptAt), code, truncate(reason), odt(now)))
                        .flatMap(ignored -> event(c, id, null, "retry", true,
                                "error " + code + ", next attempt at " + nextAttemptAt, now)));
    }

    /** Outside the 24-hour window: queued again at once, this time as the approved template. */
    public Uni<Void> markTemplateFallback(UUID id, String code, Instant now) {
        return pool.withTransaction(c -> c.preparedQuery("with u as (update outbound_message set "
                                + "state = 'queued', use_template = true, next_attempt_at = $2, error_code = $3, "
                                + "updated_at = $2 where id = $1 and state = 'sending' returning id) "
                                + "update outbound_pending q set state = 'queued', next_attempt_at = $2, "
                                + "claimed_at = null from u where q.id = u.id")
                        .execute(Tuple.of(id, odt(now), code))
                        .flatMap(ignored -> event(c, id, null, "template_fallback", true,
                                "error " + code + ": resending as the approved template", now)));
    }

    /**
     * Failed for good with the reason, never retried. {@code requested}: this claim made a Twilio request (else its
     * claim is taken back from {@code attempts}, which counts requests).
     */
    public Uni<Void> markFailed(UUID id, String code, String reason, boolean requested, Instant now) {
        return pool.withTransaction(c -> c.preparedQuery("with u as (update outbound_message set "
                                + "state = 'failed', error_code = $2, error_message = $3, updated_at = $4, "
                                + "attempts = attempts - $5 "
                                + "where id = $1 and state in ('queued', 'sending') returning id) "
                                + "delete from outbound_pending q using u where q.id = u.id")
                        .execute(Tuple.of(id, code, truncate(reason), odt(now), requested ? 0 : 1))
                        .flatMap(ignored -> event(c, id, null, "failed", true, code + ": " + reason, now)));
    }

    /**
     * Claimed after its lifetime ended, not sent: failed with {@code expired}, the reason followed by the last error
     * it had (why it was still unsent), its claim taken back from {@code attempts}.
     */
    public Uni<Void> markExpired(UUID id, String reason, Instant now) {
        return pool.withTransaction(c -> c.preparedQuery("with u as (update outbound_message set "
                                + "state = 'failed', error_code = 'expired', error_message = left($2 "
                                + "|| coalesce('; last error ' || coalesce(error_code, '-') || ': ' || error_message, "
                                + "''), 500), updated_at = $3, attempts = attempts - 1 "
                                + "where id = $1 and state = 'sending' returning id, error_message) "
                                + "delete from outbound_pending q using u where q.id = u.id returning u.error_message")
                        .execute(Tuple.of(id, reason, odt(now)))
                        .flatMap(rows -> rows.size() == 0 ? Uni.createFrom().voidItem()
                                : event(c, id, null, "failed", true,
                                "expired: " + rows.iterator().next().getString(0), now)));
    }

    /**
     * No request was made (the circuit breaker refused the call, or the recipient's sender had no room): back to
     * queued as it was (still first in its recipient's line, due at {@code dueAt}), its claim taken back from
     * {@code attempts}. No history step: nothing happened.
     */
    public Uni<Void> markUntried(UUID id, Instant dueAt, Instant now) {
        return pool.preparedQuery("with u as (update outbound_message set state = 'queued', "
                        + "attempts = greatest(attempts - 1, 0), next_attempt_at = $2, updated_at = $3 "
                        + "where id = $1 and state = 'sending' returning id) "
                        + "update outbound_pending q set state = 'queued', next_attempt_at = $2, claimed_at = null "
                        + "from u where q.id = u.id")
                .execute(Tuple.of(id, odt(dueAt), odt(now)))
                .replaceWithVoid();
    }

    /** Notes on the original message that it was resent as the approved template (a new message). */
    public Uni<Void> recordTemplateResend(SqlClient client, UUID original, UUID resend, Instant now) {
        return event(client, original, null, "template_fallback", true, "resent as the approved template ("
                + resend + ")", now);
    }

    /** What a status callback changed. */
    public record StatusApplied(UUID messageId, boolean applied, Instant sentAt, boolean usedTemplate) {
    }

    /**
     * Applies a Twilio status to the message with that sid, only if it moves the message forward; records the
     * callback in the history either way (with no message yet when the callback beat the send's response).
     */
    public Uni<StatusApplied> applyStatus(String sid, String twilioStatus, OutboundState state, String errorCode,
                                          String errorMessage, Instant reportedAt, Instant now) {
        return applyStatus(sid, null, twilioStatus, state, errorCode, errorMessage, reportedAt, now);
    }

    /** As above; {@code to} (the callback's recipient) is kept on a callback whose sid we do not know yet. */
    public Uni<StatusApplied> applyStatus(String sid, String to, String twilioStatus, OutboundState state,
                                          String errorCode, String errorMessage, Instant reportedAt, Instant now) {
        return applyStatuses(List.of(new StatusUpdate(sid, to, twilioStatus, state, errorCode, errorMessage,
                reportedAt, now))).map(applied -> applied.get(0));
    }

    /** One status callback to apply: {@code state} is null for a Twilio status we do not track. */
    public record StatusUpdate(String sid, String to, String twilioStatus, OutboundState state, String errorCode,
                               String errorMessage, Instant reportedAt, Instant now) {

        String detail() {
            return errorCode == null ? "reported " + reportedAt
                    : "error " + errorCode + " " + (errorMessage == null ? "" : errorMessage);
        }
    }

    /**
     * Applies several status callbacks in one transaction of three statements, in the order given (as if one by
     * one): the messages they are about are read and locked together, each callback moves its message only
     * forward, each message is updated once to where its callbacks left it, and every callback is recorded in the
     * history (with no message yet when it beat the send's response). Returns what each callback changed, in order.
     */
    public Uni<List<StatusApplied>> applyStatuses(List<StatusUpdate> updates) {
        var sids = updates.stream().map(StatusUpdate::sid).distinct().toArray(String[]::new);
        return pool.withTransaction(c -> c.preparedQuery(STATUS_TARGETS)
                .execute(Tuple.of((Object) sids))
                .flatMap(rows -> {
                    var targets = new HashMap<String, StatusTarget>();
                    rows.forEach(r -> targets.put(r.getString("twilio_sid"), new StatusTarget(r.getUUID("id"),
                            r.getInteger("rank"), instant(r.getOffsetDateTime("sent_at")),
                            r.getBoolean("use_template"))));
                    // each message's state as the callbacks before this one left it, and its final update
                    var rank = new HashMap<UUID, Integer>();
                    var moved = new LinkedHashMap<UUID, String[]>();
                    var applied = new ArrayList<StatusApplied>(updates.size());
                    int n = updates.size();
                    var eventIds = new UUID[n];
                    var eventSids = new String[n];
                    var eventStates = new String[n];
                    var eventApplied = new Boolean[n];
                    var eventDetails = new String[n];
                    var eventTimes = new OffsetDateTime[n];
                    var eventTos = new String[n];
                    for (int i = 0; i < n; i++) {
                        var u = updates.get(i);
                        var target = targets.get(u.sid());
                        boolean forward = false;
                        if (target == null) {
                            applied.add(new StatusApplied(null, false, null, false));
                            eventTos[i] = u.to();
                        } else {
                            int current = rank.getOrDefault(target.id(), target.rank());
                            forward = u.state() != null && u.state().rank() > current;
                            if (forward) {
                                rank.put(target.id(), u.state().rank());
                                var row = moved.computeIfAbsent(target.id(), id -> new String[3]);
                                row[0] = u.state().dbValue();
                                // as "coalesce(new, old)" one after another: the latest error given wins
                                row[1] = u.errorCode() != null ? u.errorCode() : row[1];
                                row[2] = u.errorMessage() != null ? truncate(u.errorMessage()) : row[2];
                            }
                            applied.add(new StatusApplied(target.id(), forward, target.sentAt(),
                                    target.usedTemplate()));
                        }
                        eventIds[i] = target == null ? null : target.id();
                        eventSids[i] = u.sid();
                        eventStates[i] = u.twilioStatus();
                        eventApplied[i] = forward;
                        eventDetails[i] = truncate(u.detail());
                        eventTimes[i] = odt(u.now());
                    }
                    var now = odt(updates.get(n - 1).now());
                    Uni<Void> update = moved.isEmpty() ? Uni.createFrom().voidItem()
                            : c.preparedQuery(STATUS_UPDATE).execute(Tuple.of(
                                    moved.keySet().toArray(UUID[]::new),
                                    moved.values().stream().map(v -> v[0]).toArray(String[]::new),
                                    moved.values().stream().map(v -> v[1]).toArray(String[]::new),
                                    moved.values().stream().map(v -> v[2]).toArray(String[]::new), now))
                            .replaceWithVoid();
                    return update.flatMap(ignored -> c.preparedQuery(STATUS_EVENTS).execute(Tuple.from(new Object[]{
                                    eventIds, eventSids, eventStates, eventApplied, eventDetails, eventTimes,
                                    eventTos})))
                            .replaceWith((List<StatusApplied>) applied);
                }));
    }

    private record StatusTarget(UUID id, int rank, Instant sentAt, boolean usedTemplate) {
    }

    /** The stored message, for a template resend after an asynchronous 63016. */
    public Uni<Optional<OutboundRecord>> find(UUID id) {
        return pool.preparedQuery("select m.*, greatest(m.last_inbound_at, (select w.last_inbound_at from "
                        + "inbound_window w where w.user_ref = m.user_ref)) as window_opened_at, "
                        + "(select w.business_number from inbound_window w where w.user_ref = m.user_ref) "
                        + "as window_sender from outbound_message m where id = $1")
                .execute(Tuple.of(id))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(record(rows.iterator().next())));
    }

    /** A message and its history, for the admin endpoint. */
    public record History(UUID id, String correlationId, String userRef, String kind, String state,
                          String twilioSid, int attempts, boolean template, String errorCode,
                          String errorMessage, Instant createdAt, Instant sentAt, Instant updatedAt,
                          List<Step> steps) {
    }

    public record Step(String state, boolean applied, String detail, Instant at) {
    }

    public Uni<List<History>> history(UUID id, String correlationId) {
        var where = id != null ? "m.id = $1" : "m.correlation_id = $1";
        Object key = id != null ? id : correlationId;
        // the steps every message has are read from its row (its created and sent times), the others from the
        // events table: one row per message on the hot path instead of three
        return pool.preparedQuery("select m.*, s.state as e_state, s.applied, s.detail, s.occurred_at "
                        + "from outbound_message m left join lateral ("
                        + "select 'queued' as state, true as applied, m.kind::varchar(512) as detail, "
                        + "m.created_at as occurred_at, 0 as ord, 0::bigint as eid "
                        + "union all select 'sent', true, case when m.use_template "
                        + "then 'accepted by Twilio (template)' else 'accepted by Twilio' end, m.sent_at, 1, 0 "
                        + "where m.sent_at is not null "
                        + "union all select e.state, e.applied, e.detail, e.occurred_at, 2, e.id "
                        + "from outbound_event e where e.message_id = m.id) s on true where " + where
                        + " order by m.seq, s.occurred_at, s.ord, s.eid")
                .execute(Tuple.of(key))
                .map(rows -> {
                    var byId = new LinkedHashMap<UUID, History>();
                    for (var r : rows) {
                        var h = byId.computeIfAbsent(r.getUUID("id"), k -> new History(k,
                                r.getString("correlation_id"), r.getString("user_ref"), r.getString("kind"),
                                r.getString("state"), r.getString("twilio_sid"), r.getInteger("attempts"),
                                r.getBoolean("use_template"), r.getString("error_code"),
                                r.getString("error_message"), instant(r.getOffsetDateTime("created_at")),
                                instant(r.getOffsetDateTime("sent_at")), instant(r.getOffsetDateTime("updated_at")),
                                new ArrayList<>()));
                        if (r.getString("e_state") != null) {
                            h.steps().add(new Step(r.getString("e_state"), r.getBoolean("applied"),
                                    r.getString("detail"), instant(r.getOffsetDateTime("occurred_at"))));
                        }
                    }
                    return List.copyOf(byId.values());
                });
    }

    /**
     * Unsent messages and when the oldest was stored; of them, those waiting for their next try (a backoff or
     * Twilio's Retry-After) and when the first of those falls due (null if none waits). For the gauges.
     */
    public record Backlog(long depth, Instant oldest, long waiting, Instant nextDue) {
    }

    /** One pass over the relay's queue (unsent messages only). */
    public Uni<Backlog> backlog(Instant now) {
        return pool.preparedQuery("select count(*) as depth, min(created_at) as oldest, "
                        + "count(*) filter (where state = 'queued' and next_attempt_at > $1) as waiting, "
                        + "min(next_attempt_at) filter (where state = 'queued' and next_attempt_at > $1) as next_due "
                        + "from outbound_pending")
                .execute(Tuple.of(odt(now)))
                .map(rows -> {
                    var r = rows.iterator().next();
                    return new Backlog(r.getLong("depth"), instant(r.getOffsetDateTime("oldest")),
                            r.getLong("waiting"), instant(r.getOffsetDateTime("next_due")));
                });
    }

    /** Cancels queued notifications of a user who unlinked (replies still go out). */
    public Uni<Integer> cancelNotifications(SqlClient client, String userRef, Instant now) {
        return client.preparedQuery("with u as (update outbound_message set state = 'failed', "
                        + "error_message = 'unlinked', updated_at = $2 where user_ref = $1 and kind = 'notification' "
                        + "and state = 'queued' returning id) delete from outbound_pending q using u "
                        + "where q.id = u.id")
                .execute(Tuple.of(userRef, odt(now)))
                .map(rows -> rows.rowCount());
    }

    Uni<Void> event(SqlClient client, UUID id, String sid, String state, boolean applied, String detail,
                    Instant now) {
        return client.preparedQuery("insert into outbound_event (message_id, twilio_sid, state, applied, detail, "
                        + "occurred_at) values ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.from(Arrays.asList(id, sid, state, applied, truncate(detail), odt(now))))
                .replaceWithVoid();
    }

    private static OutboundRecord record(Row r) {
        var replies = new ArrayList<QuickReply>();
        var rawReplies = r.getJsonArray("quick_replies");
        if (rawReplies != null) {
            for (int i = 0; i < rawReplies.size(); i++) {
                var q = rawReplies.getJsonObject(i);
                replies.add(new QuickReply(q.getString("payload"), q.getString("title")));
            }
        }
        var media = new ArrayList<String>();
        var rawMedia = r.getJsonArray("media_urls");
        if (rawMedia != null) {
            rawMedia.forEach(u -> media.add(String.valueOf(u)));
        }
        var variables = new LinkedHashMap<String, String>();
        var rawVariables = r.getJsonObject("template_variables");
        if (rawVariables != null) {
            rawVariables.forEach(e -> variables.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return new OutboundRecord(r.getUUID("id"), r.getLong("seq"), r.getString("correlation_id"),
                r.getString("user_ref"), r.getString("kind"), r.getString("to_address"), r.getString("body"),
                media, replies, r.getString("template_key"), variables,
                instant(r.getOffsetDateTime("window_opened_at")), r.getString("window_sender"),
                r.getBoolean("use_template"),
                r.getInteger("attempts"), instant(r.getOffsetDateTime("created_at")));
    }

    static String truncate(String s) {
        return s == null || s.length() <= 500 ? s : s.substring(0, 500);
    }

    public static OffsetDateTime odt(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
