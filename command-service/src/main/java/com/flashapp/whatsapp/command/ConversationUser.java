package com.flashapp.whatsapp.command;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A WhatsApp user as command-service knows them: link state, activity, block. Never leaves this service. */
@Entity
@Table(name = "conversation_user")
public class ConversationUser {

    @Id
    @Column(name = "user_ref")
    public String userRef;

    @Column(name = "phone_lookup")
    public String phoneLookup;

    public boolean linked;

    public String username;

    @Column(name = "flash_account_id")
    public String flashAccountId;

    @Column(name = "linked_at")
    public Instant linkedAt;

    @Column(name = "unlinked_at")
    public Instant unlinkedAt;

    @Column(name = "first_seen_at")
    public Instant firstSeenAt;

    @Column(name = "last_seen_at")
    public Instant lastSeenAt;

    /** The message that made first contact (a retry of it is still the first contact). */
    @Column(name = "first_message_id")
    public UUID firstMessageId;

    /** The last message counted (a retry of it is not counted again). */
    @Column(name = "last_message_id")
    public UUID lastMessageId;

    @Column(name = "message_count")
    public long messageCount;

    public boolean blocked;

    public static ConversationUser create(String userRef) {
        var user = new ConversationUser();
        user.userRef = userRef;
        return user;
    }
}
