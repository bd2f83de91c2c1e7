package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * The user asked to link their Flash account ({@code wallet.requests}, {@code account.link}); {@code
 * whatsapp} is the address to answer and the phone to link.
 */
public record AccountLinkRequest(
        Envelope envelope,
        String whatsapp,
        String locale) implements ContractMessage {
}
