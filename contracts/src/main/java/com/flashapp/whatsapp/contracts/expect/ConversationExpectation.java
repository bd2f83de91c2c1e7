package com.flashapp.whatsapp.contracts.expect;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.time.Instant;
import java.util.List;

/**
 * What the user's next reply answers ({@code conversation.expect}: {@code code}, {@code confirmation} or
 * {@code choice}). command-service routes a matching reply as a {@code ConfirmationAnswer} ({@code
 * confirmation.answer}) to {@code ownerExchange}, echoing {@code expectationId} and {@code context}; {@code
 * options} lists the valid choices for {@code choice}.
 */
public record ConversationExpectation(
        Envelope envelope,
        String expectationId,
        String ownerExchange,
        String context,
        List<String> options,
        Instant expiresAt) implements ContractMessage {
}
