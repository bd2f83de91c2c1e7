package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.ConversationUser;
import com.flashapp.whatsapp.command.repository.ConversationUserRepository;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Who is linked (learned from {@code flash.events}), who wrote when, who is blocked. Events may arrive out of
 * order: a link or unlink older than the last one applied is ignored.
 */
@ApplicationScoped
public class UserService {

    private final ConversationUserRepository users;
    private final Pool pool;

    public UserService(ConversationUserRepository users, Pool pool) {
        this.users = users;
        this.pool = pool;
    }

    /**
     * Records a message from the user and returns what the engine needs to know about them. A message handled again
     * (its first attempt failed after this, say while Redis restarted) is still the first contact if it was the
     * first time: the first message's id is kept, so the welcome is not lost to the retry.
     */
    public Uni<UserState> touch(String userRef, String phoneLookup, UUID messageId) {
        // one statement, no session: this runs for every message
        return pool.preparedQuery(TOUCH)
                .execute(Tuple.of(userRef, phoneLookup, OffsetDateTime.now(ZoneOffset.UTC), messageId))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return new UserState(userRef, row.getBoolean("linked"), row.getString("username"),
                            row.getBoolean("blocked"), row.getBoolean("first"), row.getBoolean("voice_asked"));
                });
    }

    /**
     * touch: a new user is created with this message as the first; a known one gets its last-seen time and, unless
     * it is the message already counted last, one more message. Returns the link state, block and whether this is
     * the first contact (the first message, or a retry of it).
     */
    static final String TOUCH = "insert into conversation_user as u (user_ref, phone_lookup, first_seen_at, "
            + "last_seen_at, first_message_id, last_message_id, message_count) values ($1, $2, $3, $3, $4, $4, 1) "
            + "on conflict (user_ref) do update set "
            + "phone_lookup = coalesce(excluded.phone_lookup, u.phone_lookup), "
            + "first_seen_at = coalesce(u.first_seen_at, excluded.first_seen_at), "
            + "first_message_id = case when u.first_seen_at is null then excluded.first_message_id "
            + "else u.first_message_id end, "
            + "last_seen_at = excluded.last_seen_at, last_message_id = excluded.last_message_id, "
            + "message_count = u.message_count + case when u.last_message_id is not distinct from "
            + "excluded.last_message_id then 0 else 1 end "
            + "returning u.linked, u.username, u.blocked, u.first_message_id is not distinct from $4 as first, "
            + "u.voice_asked";

    /** Remembers that the user asked for voice replies (see {@link UserState#voiceAsked()}). */
    public Uni<Void> voiceAsked(String userRef) {
        return pool.preparedQuery("update conversation_user set voice_asked = true where user_ref = $1")
                .execute(Tuple.of(userRef)).replaceWithVoid();
    }

    @WithTransaction
    public Uni<Void> linked(AccountLinked event) {
        var userRef = event.envelope().userRef();
        if (userRef == null) {
            Log.warn("account.linked without userRef ignored");
            return Uni.createFrom().voidItem();
        }
        var at = event.envelope().occurredAt();
        return users.findById(userRef).flatMap(found -> {
            var user = found == null ? ConversationUser.create(userRef) : found;
            if (user.unlinkedAt != null && user.unlinkedAt.isAfter(at)) {
                return Uni.createFrom().voidItem(); // an unlink newer than this link was already applied
            }
            user.linked = true;
            user.linkedAt = at;
            user.username = event.username();
            user.flashAccountId = event.flashAccountId();
            return users.persist(user).replaceWithVoid();
        });
    }

    @WithTransaction
    public Uni<Void> unlinked(AccountUnlinked event) {
        var userRef = event.envelope().userRef();
        var at = event.envelope().occurredAt();
        Uni<ConversationUser> lookup = userRef != null ? users.findById(userRef)
                : users.find("flashAccountId", event.flashAccountId()).firstResult();
        return lookup.flatMap(user -> {
            if (user == null) {
                return Uni.createFrom().voidItem(); // never linked as far as we know: nothing to forget
            }
            if (user.linkedAt != null && user.linkedAt.isAfter(at)) {
                return Uni.createFrom().voidItem();
            }
            user.linked = false;
            user.unlinkedAt = at;
            return users.persist(user).replaceWithVoid();
        });
    }

    /** Finds a user by the phone lookup hash or by Flash username (without @). */
    public Uni<ConversationUser> find(String phoneLookup, String username) {
        return phoneLookup != null ? users.findByPhoneLookup(phoneLookup) : users.findByUsername(username);
    }

    /** Blocks or unblocks a user; false when there is no such user. */
    @WithTransaction
    public Uni<Boolean> setBlocked(String phoneLookup, String username, boolean blocked) {
        return find(phoneLookup, username).flatMap(user -> {
            if (user == null) {
                return Uni.createFrom().item(false);
            }
            user.blocked = blocked;
            return users.persist(user).replaceWith(true);
        });
    }
}
