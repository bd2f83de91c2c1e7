package com.flashapp.whatsapp.notification;

import com.flashapp.whatsapp.contracts.QuickReply;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A stored outbound message, as the relay sees it. {@code windowOpenedAt} is the latest inbound time known for
 * the user (from the message or from whatsapp.inbound), null when unknown; {@code windowSender} our number they last
 * wrote to (whatsapp.inbound), null when unknown.
 */
public record OutboundRecord(
        UUID id,
        long seq,
        String correlationId,
        String userRef,
        String kind,
        String to,
        String body,
        List<String> mediaUrls,
        List<QuickReply> quickReplies,
        String templateKey,
        Map<String, String> templateVariables,
        Instant windowOpenedAt,
        String windowSender,
        boolean useTemplate,
        int attempts,
        Instant createdAt) {
}
