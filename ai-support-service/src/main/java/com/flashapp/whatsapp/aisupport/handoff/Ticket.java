package com.flashapp.whatsapp.aisupport.handoff;

import java.time.Instant;

/** A support ticket as stored (never leaves this service; its route goes out as {@code HandoffRoute}). */
public record Ticket(long number, String requestId, String userRef, String whatsapp, String username, String reason,
                     String state, String agent, long version, Instant createdAt, Instant lastActivityAt) {

    public boolean open() {
        return !"closed".equals(state);
    }
}
