package com.flashapp.whatsapp.aisupport.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The interaction log and the feedback on answers. */
@ApplicationScoped
public class InteractionRepository {

    /** What feedback needs to know about an answer. */
    public record AnswerInfo(String answerId, String userRef, boolean fallback, List<String> faqIds) {
    }

    private final Pool pool;

    public InteractionRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> record(Interaction i) {
        return pool.preparedQuery("""
                        insert into support_interaction (answer_id, user_ref, created_at, source, latency_ms, prompt_tokens,
                            completion_tokens, top_score, faq_ids, scores, question_redacted)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict do nothing""")
                .execute(Tuple.from(Arrays.asList(i.answerId(), i.userRef(), utc(i.createdAt()), i.source().db(),
                        i.latencyMs(), i.promptTokens(), i.completionTokens(),
                        i.topScore() == null ? null : i.topScore().floatValue(),
                        i.faqIds().toArray(String[]::new),
                        i.scores().stream().map(Double::floatValue).toArray(Float[]::new),
                        i.questionRedacted())))
                .replaceWithVoid();
    }

    public Uni<Optional<AnswerInfo>> find(String answerId) {
        return pool.preparedQuery("select answer_id, user_ref, source, faq_ids from support_interaction where answer_id = $1")
                .execute(Tuple.of(answerId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    var r = it.next();
                    var source = r.getString("source");
                    return Optional.of(new AnswerInfo(r.getString("answer_id"), r.getString("user_ref"),
                            !"ai".equals(source), List.of(r.getArrayOfStrings("faq_ids"))));
                });
    }

    /** Stores (or replaces) the feedback on an answer and marks the interaction; idempotent. */
    public Uni<Void> saveFeedback(AnswerInfo answer, String userRef, boolean helpful, String comment) {
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        insert into support_feedback (answer_id, user_ref, helpful, comment, fallback, faq_ids, received_at)
                        values ($1, $2, $3, $4, $5, $6, now())
                        on conflict (answer_id) do update set helpful = excluded.helpful, comment = excluded.comment,
                            received_at = excluded.received_at""")
                .execute(Tuple.from(Arrays.asList(answer.answerId(), userRef, helpful, comment, answer.fallback(),
                        answer.faqIds().toArray(String[]::new))))
                .flatMap(ignored -> conn.preparedQuery(
                                "update support_interaction set helpful = $2, feedback_at = now() where answer_id = $1")
                        .execute(Tuple.of(answer.answerId(), helpful)))
                .replaceWithVoid());
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
