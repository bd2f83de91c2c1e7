package com.flashapp.whatsapp.contracts.events;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * A WhatsApp user unlinked, or their link went stale ({@code flash.events}, {@code account.unlinked}); {@code
 * reason} is {@code user}, {@code token_revoked} or {@code admin}.
 */
public record AccountUnlinked(
        Envelope envelope,
        String flashAccountId,
        String reason) implements ContractMessage {
}
