package com.flashapp.whatsapp.aisupport.repository;

import com.flashapp.whatsapp.aisupport.service.AdminStats;
import com.flashapp.whatsapp.aisupport.service.SupportReport;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Aggregates the interaction log for the report; every query is bounded by the period. */
@ApplicationScoped
public class ReportRepository {

    private static final int TOP = 10;
    private final Pool pool;

    public ReportRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<SupportReport> report(Instant from, Instant to, double unansweredThreshold) {
        var period = Tuple.of(InteractionRepository.utc(from), InteractionRepository.utc(to));
        var totals = pool.preparedQuery("""
                        select count(*) as questions,
                               count(*) filter (where source <> 'throttled') as answered,
                               count(*) filter (where source = 'throttled') as throttled,
                               count(*) filter (where source = 'ai') as ai,
                               count(*) filter (where source in ('kb_fallback', 'unavailable')) as fallbacks,
                               percentile_cont(0.5) within group (order by latency_ms) filter (where source <> 'throttled') as p50,
                               percentile_cont(0.95) within group (order by latency_ms) filter (where source <> 'throttled') as p95,
                               coalesce(sum(prompt_tokens), 0) as prompt_tokens,
                               coalesce(sum(completion_tokens), 0) as completion_tokens,
                               count(helpful) as feedback,
                               count(*) filter (where helpful) as helpful
                        from support_interaction where created_at >= $1 and created_at < $2""")
                .execute(period).map(rows -> rows.iterator().next());
        var days = pool.preparedQuery("""
                        select (created_at at time zone 'UTC')::date as day,
                               count(*) as answers,
                               count(*) filter (where source in ('kb_fallback', 'unavailable')) as fallbacks
                        from support_interaction where created_at >= $1 and created_at < $2 and source <> 'throttled'
                        group by 1 order by 1""")
                .execute(period).map(rows -> {
                    var out = new ArrayList<SupportReport.Day>();
                    rows.forEach(r -> out.add(new SupportReport.Day(r.getLocalDate("day"), r.getLong("answers"),
                            r.getLong("fallbacks"))));
                    return out;
                });
        var unanswered = pool.preparedQuery("""
                        select lower(question_redacted) as question, count(*) as n, max(top_score) as best
                        from support_interaction
                        where created_at >= $1 and created_at < $2 and source <> 'throttled'
                          and question_redacted is not null and (top_score is null or top_score < $3)
                        group by 1 order by n desc, 1 limit $4""")
                .execute(Tuple.of(period.getValue(0), period.getValue(1), (float) unansweredThreshold, TOP))
                .map(rows -> {
                    var out = new ArrayList<SupportReport.Unanswered>();
                    rows.forEach(r -> out.add(new SupportReport.Unanswered(r.getString("question"), r.getLong("n"),
                            r.getValue("best") == null ? null : round(r.getFloat("best")))));
                    return out;
                });
        var top = pool.preparedQuery("""
                        select faq_ids[1] as faq_id, count(*) as n,
                               count(*) filter (where helpful) as helpful,
                               count(*) filter (where not helpful) as not_helpful
                        from support_interaction
                        where created_at >= $1 and created_at < $2 and source in ('ai', 'kb_fallback')
                          and cardinality(faq_ids) > 0
                        group by 1 order by n desc, 1 limit $3""")
                .execute(Tuple.of(period.getValue(0), period.getValue(1), TOP))
                .map(rows -> {
                    var out = new ArrayList<SupportReport.TopEntry>();
                    rows.forEach(r -> out.add(new SupportReport.TopEntry(r.getString("faq_id"), r.getLong("n"),
                            r.getLong("helpful"), r.getLong("not_helpful"))));
                    return out;
                });
        return Uni.combine().all().unis(totals, days, unanswered, top).asTuple()
                .map(t -> build(from, to, t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4()));
    }

    /**
     * The figures of an admin's {@code admin stats}: questions created in [from, to) by source, and the 👍/👎
     * received in [from, to) (on any answer, or as general feedback).
     */
    public Uni<AdminStats> adminStats(Instant from, Instant to) {
        var period = Tuple.of(InteractionRepository.utc(from), InteractionRepository.utc(to));
        var answers = pool.preparedQuery("""
                        select count(*) as questions,
                               count(*) filter (where source = 'ai') as maple,
                               count(*) filter (where source = 'kb_fallback') as faq_only,
                               count(*) filter (where source = 'unavailable') as degraded,
                               count(*) filter (where source = 'throttled') as throttled
                        from support_interaction where created_at >= $1 and created_at < $2""")
                .execute(period).map(rows -> rows.iterator().next());
        var feedback = pool.preparedQuery("""
                        select count(*) filter (where helpful) as up, count(*) filter (where not helpful) as down
                        from support_feedback where received_at >= $1 and received_at < $2""")
                .execute(period).map(rows -> rows.iterator().next());
        return Uni.combine().all().unis(answers, feedback).asTuple().map(t -> {
            var a = t.getItem1();
            var f = t.getItem2();
            return new AdminStats(from, to, a.getLong("questions"), a.getLong("maple"), a.getLong("faq_only"),
                    a.getLong("degraded"), a.getLong("throttled"), f.getLong("up"), f.getLong("down"));
        });
    }

    private static SupportReport build(Instant from, Instant to, Row r, List<SupportReport.Day> days,
                                       List<SupportReport.Unanswered> unanswered, List<SupportReport.TopEntry> top) {
        long answered = r.getLong("answered");
        long fallbacks = r.getLong("fallbacks");
        long feedback = r.getLong("feedback");
        return new SupportReport(from, to, r.getLong("questions"), answered, r.getLong("throttled"), r.getLong("ai"),
                fallbacks, answered == 0 ? null : round((double) fallbacks / answered),
                millis(r.getValue("p50")), millis(r.getValue("p95")),
                r.getLong("prompt_tokens"), r.getLong("completion_tokens"), feedback,
                feedback == 0 ? null : round((double) r.getLong("helpful") / feedback), days, unanswered, top);
    }

    private static Long millis(Object value) {
        return value == null ? null : Math.round(((Number) value).doubleValue());
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
