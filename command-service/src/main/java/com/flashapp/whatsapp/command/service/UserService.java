package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.ConversationUser;
import com.flashapp.whatsapp.command.repository.ConversationUserRepository;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.UUID;

/**
 * Who is linked (learned from {@code flash.events}), who wrote when, who is blocked. Events may arrive out of
 * order: a link or unlink older than the last one applied is ignored.
 */
@ApplicationScoped
public class UserService {

    private final ConversationUserRepository users;

    public UserService(ConversationUserRepository users) {
        this.users = users;
    }

    /**
     * Records a message from the user and returns what the engine needs to know about them. A message handled again
     * (its first attempt failed after this, say while Redis restarted) is still the first contact if it was the
     * first time: the first message's id is kept, so the welcome is not lost to the retry.
     */
    @WithTransaction
    public Uni<UserState> touch(String userRef, String phoneLookup, UUID messageId) {
        return users.findById(userRef).flatMap(found -> {
            var user = found == null ? ConversationUser.create(userRef) : found;
            var now = Instant.now();
            var again = messageId.equals(user.lastMessageId);
            var first = user.firstSeenAt == null || messageId.equals(user.firstMessageId);
            if (user.firstSeenAt == null) {
                user.firstSeenAt = now;
                user.firstMessageId = messageId;
            }
            user.lastSeenAt = now;
            user.lastMessageId = messageId;
            if (!again) {
                user.messageCount++;
            }
            if (phoneLookup != null) {
                user.phoneLookup = phoneLookup;
            }
            return users.persist(user).map(saved ->
                    new UserState(userRef, saved.linked, saved.username, saved.blocked, first));
        });
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
