package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * The user's reply to an expectation the owner published ({@code confirmation.answer} on the owner's
 * exchange): a code, YES/NO, or a choice.
 */
public record ConfirmationAnswer(
        Envelope envelope,
        String whatsapp,
        String expectationId,
        String kind,
        String answer,
        String context) implements ContractMessage {
}
