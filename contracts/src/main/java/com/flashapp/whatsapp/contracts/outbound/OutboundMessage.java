package com.flashapp.whatsapp.contracts.outbound;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.QuickReply;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A WhatsApp message to send ({@code whatsapp.outbound}: {@code reply}, {@code notification} or {@code
 * template}). Free-form text uses {@code body}, {@code mediaUrls} and {@code quickReplies}; {@code
 * templateKey} and {@code templateVariables} name an approved template to use (always for {@code template},
 * outside the 24-hour window for the others). {@code lastInboundAt} is when the user last wrote, when the
 * producer knows it.
 */
public record OutboundMessage(
        Envelope envelope,
        String to,
        String body,
        List<String> mediaUrls,
        List<QuickReply> quickReplies,
        String templateKey,
        Map<String, String> templateVariables,
        Instant lastInboundAt) implements ContractMessage {
}
