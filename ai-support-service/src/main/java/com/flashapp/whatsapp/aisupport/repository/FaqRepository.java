package com.flashapp.whatsapp.aisupport.repository;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.aisupport.knowledge.FaqEntry;
import com.flashapp.whatsapp.aisupport.knowledge.FaqIndex;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** FAQ entries and their question-variant embeddings ({@code real[]}) in PostgreSQL. */
@ApplicationScoped
public class FaqRepository {

    private final Pool pool;
    private final ObjectMapper mapper;

    public FaqRepository(Pool pool, ObjectMapper mapper) {
        this.pool = pool;
        this.mapper = mapper;
    }

    /** Content hash of every stored entry, by id. */
    public Uni<Map<String, String>> hashes() {
        return pool.query("select id, content_hash from faq_entry").execute().map(rows -> {
            var out = new HashMap<String, String>();
            rows.forEach(r -> out.put(r.getString("id"), r.getString("content_hash")));
            return out;
        });
    }

    /** Inserts or replaces an entry and all its variant vectors, in one transaction. */
    public Uni<Void> upsert(FaqEntry entry, String hash, List<float[]> vectors) {
        var payload = json(entry);
        return pool.withTransaction(conn -> conn.preparedQuery("""
                        insert into faq_entry (id, category, locale, tags, answer, payload, content_hash, updated_at, embedded_at)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, now())
                        on conflict (id) do update set category = excluded.category, locale = excluded.locale,
                            tags = excluded.tags, answer = excluded.answer, payload = excluded.payload,
                            content_hash = excluded.content_hash, updated_at = excluded.updated_at, embedded_at = now()""")
                .execute(Tuple.from(List.of(entry.id(), entry.category() == null ? "general" : entry.category(),
                        entry.locale(), entry.tags().toArray(String[]::new), entry.answer(), payload, hash,
                        OffsetDateTime.ofInstant(entry.updatedAt() == null ? Instant.EPOCH : entry.updatedAt(),
                                ZoneOffset.UTC))))
                .flatMap(ignored -> conn.preparedQuery("delete from faq_variant where entry_id = $1")
                        .execute(Tuple.of(entry.id())))
                .flatMap(ignored -> {
                    var batch = new ArrayList<Tuple>();
                    for (int i = 0; i < vectors.size(); i++) {
                        batch.add(Tuple.of(entry.id(), i, entry.questions().get(i), boxed(vectors.get(i))));
                    }
                    return conn.preparedQuery("insert into faq_variant (entry_id, idx, question, embedding) "
                            + "values ($1, $2, $3, $4)").executeBatch(batch);
                })
                .replaceWithVoid());
    }

    public Uni<Integer> deleteAllExcept(List<String> keepIds) {
        return pool.preparedQuery("delete from faq_entry where not (id = any($1))")
                .execute(Tuple.of(keepIds.toArray(String[]::new)))
                .map(rows -> rows.rowCount());
    }

    /** Every stored entry with its vectors, for the in-memory index. */
    public Uni<List<FaqIndex.Indexed>> loadIndex() {
        return pool.query("select e.id, e.payload, v.embedding from faq_entry e "
                        + "join faq_variant v on v.entry_id = e.id order by e.id, v.idx").execute()
                .map(rows -> {
                    var byId = new LinkedHashMap<String, FaqEntry>();
                    var vectors = new LinkedHashMap<String, List<float[]>>();
                    for (Row r : rows) {
                        var id = r.getString("id");
                        byId.computeIfAbsent(id, k -> parse(r.getString("payload")));
                        vectors.computeIfAbsent(id, k -> new ArrayList<>()).add(unboxed(r.getArrayOfFloats("embedding")));
                    }
                    var out = new ArrayList<FaqIndex.Indexed>();
                    byId.forEach((id, entry) -> out.add(new FaqIndex.Indexed(entry, vectors.get(id))));
                    return out;
                });
    }

    private String json(FaqEntry entry) {
        try {
            return mapper.writeValueAsString(entry);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private FaqEntry parse(String json) {
        try {
            return mapper.readValue(json, FaqEntry.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable FAQ payload", e);
        }
    }

    private static Float[] boxed(float[] v) {
        var out = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static float[] unboxed(Float[] v) {
        var out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
