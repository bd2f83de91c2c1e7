package com.flashapp.whatsapp.command.repository;

import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * The one open expectation per user (what their next reply answers), in Redis with a TTL so it disappears on its
 * own. A newer expectation replaces an older one: the user answers the latest question.
 *
 * <p>A user's message is handled against the expectation its first attempt found ({@link #begin}): a retry after a
 * transient failure, or a redelivery after the service was killed mid-message, must take the same path as the first
 * attempt, or it publishes something new (a menu's "1" read as an answer instead of the command the first attempt
 * ran) that no inbox recognises as a duplicate.
 */
@ApplicationScoped
public class ExpectationRepository {

    // KEYS: expectation, finding. ARGV: finding's TTL ms. The first attempt's finding, kept; a retry's, read back.
    private static final String BEGIN = """
            local found = redis.call('GET', KEYS[2])
            if found then return {1, found} end
            local open = redis.call('GET', KEYS[1]) or ''
            redis.call('SET', KEYS[2], open, 'PX', ARGV[1])
            return {0, open}
            """;

    // KEYS: expectation. ARGV: what the caller believes is there, the new value ('' deletes), its TTL ms.
    private static final String CHANGE_IF = """
            if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
            if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
            return 1
            """;

    /**
     * What one handling of a user's message found open ({@code open}, null for nothing), the same on every attempt
     * at that message. On a retry, the user's expectation is changed only while it still holds what this attempt
     * believes it does: once the first attempt, or an owner's newer question, has moved the conversation on, a retry
     * leaves it as it is (it neither replaces a newer question with an old menu nor clears it).
     */
    public static final class Found {
        private final String userRef;
        private final ConversationExpectation open;
        private final boolean retry;
        private String believed;

        Found(String userRef, String raw, boolean retry) {
            this.userRef = userRef;
            this.open = raw.isEmpty() ? null : decode(userRef, raw);
            this.retry = retry;
            this.believed = raw;
        }

        /** Nothing open, for a handling outside a user's message (tests, a turn built by hand). */
        public static Found nothing(String userRef) {
            return new Found(userRef, "", false);
        }

        public ConversationExpectation open() {
            return open;
        }
    }

    private final ReactiveRedisDataSource redis;
    private final ReactiveValueCommands<String, String> values;
    private final String prefix;
    private final String findings;
    private final Duration findingTtl;

    public ExpectationRepository(ReactiveRedisDataSource redis,
                                 @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix,
                                 @ConfigProperty(name = "command.expectations.turn-memory") Duration findingTtl) {
        this.redis = redis;
        this.values = redis.value(String.class, String.class);
        this.prefix = keyPrefix + "expect:";
        this.findings = keyPrefix + "expect-found:";
        this.findingTtl = findingTtl;
    }

    /** The expectation a handling of message {@code messageId} reads: what its first attempt found open. */
    public Uni<Found> begin(String userRef, UUID messageId) {
        // named by user too, so that erasing the user's keys (ErasureService scans for the userRef) takes these
        return redis.execute("EVAL", BEGIN, "2", prefix + userRef, findings + userRef + ":" + messageId,
                        Long.toString(findingTtl.toMillis()))
                .map(r -> new Found(userRef, r.get(1).toString(), r.get(0).toInteger() == 1));
    }

    /** Keeps an expectation of this handling's: unconditionally the first time, on a retry only if nothing moved. */
    public Uni<Void> save(Found found, ConversationExpectation expectation, Duration ttl) {
        return change(found, new String(MessageCodec.encode(expectation), StandardCharsets.UTF_8), ttl);
    }

    /** Clears the user's expectation: unconditionally the first time, on a retry only if nothing moved. */
    public Uni<Void> delete(Found found) {
        return change(found, "", Duration.ZERO);
    }

    private Uni<Void> change(Found found, String value, Duration ttl) {
        return Uni.createFrom().deferred(() -> changeNow(found, value, ttl));
    }

    private Uni<Void> changeNow(Found found, String value, Duration ttl) {
        if (!found.retry) {
            found.believed = value;
            return value.isEmpty() ? delete(found.userRef) : values.set(prefix + found.userRef, value,
                    new SetArgs().px(ttl.toMillis()));
        }
        return redis.execute("EVAL", CHANGE_IF, "1", prefix + found.userRef, found.believed, value,
                        Long.toString(Math.max(1, ttl.toMillis())))
                .map(r -> {
                    if (r.toInteger() == 1) {
                        found.believed = value;
                    } else {
                        Log.debugf("A retry left %s's expectation as an earlier attempt or its owner changed it",
                                found.userRef);
                    }
                    return null;
                });
    }

    public Uni<Void> save(ConversationExpectation expectation, Duration ttl) {
        var json = new String(MessageCodec.encode(expectation), StandardCharsets.UTF_8);
        return values.set(prefix + expectation.envelope().userRef(), json, new SetArgs().px(ttl.toMillis()));
    }

    /** The user's open expectation, or null. An unreadable entry is dropped rather than blocking the user. */
    public Uni<ConversationExpectation> find(String userRef) {
        return values.get(prefix + userRef).map(json -> json == null ? null : decode(userRef, json));
    }

    private static ConversationExpectation decode(String userRef, String json) {
        try {
            return MessageCodec.decode(json.getBytes(StandardCharsets.UTF_8), ConversationExpectation.class);
        } catch (MessageCodec.MalformedMessageException e) {
            Log.warnf("Ignoring an unreadable expectation for %s", userRef);
            return null;
        }
    }

    public Uni<Void> delete(String userRef) {
        return redis.key().del(prefix + userRef).replaceWithVoid();
    }
}
