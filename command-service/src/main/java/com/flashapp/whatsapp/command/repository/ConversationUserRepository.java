package com.flashapp.whatsapp.command.repository;

import com.flashapp.whatsapp.command.ConversationUser;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Conversation users in PostgreSQL. */
@ApplicationScoped
@WithSession
public class ConversationUserRepository implements PanacheRepositoryBase<ConversationUser, String> {

    public Uni<ConversationUser> findByPhoneLookup(String phoneLookup) {
        return find("phoneLookup", phoneLookup).firstResult();
    }

    public Uni<ConversationUser> findByUsername(String username) {
        return find("lower(username) = ?1", username.toLowerCase(java.util.Locale.ROOT)).firstResult();
    }
}
