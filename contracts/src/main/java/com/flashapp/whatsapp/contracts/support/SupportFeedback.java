package com.flashapp.whatsapp.contracts.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/** Was an AI answer helpful ({@code support.requests}, {@code feedback}). */
public record SupportFeedback(
        Envelope envelope,
        String whatsapp,
        String answerId,
        boolean helpful,
        String comment) implements ContractMessage {
}
