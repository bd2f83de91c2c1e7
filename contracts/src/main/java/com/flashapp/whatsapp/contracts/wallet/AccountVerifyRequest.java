package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/** The one-time code the user typed to finish a link ({@code wallet.requests}, {@code account.verify}). */
public record AccountVerifyRequest(
        Envelope envelope,
        String whatsapp,
        String code) implements ContractMessage {
}
