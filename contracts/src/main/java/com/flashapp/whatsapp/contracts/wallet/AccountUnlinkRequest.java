package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * The user asked to unlink ({@code wallet.requests}, {@code account.unlink}); balance-service confirms first.
 */
public record AccountUnlinkRequest(Envelope envelope, String whatsapp) implements ContractMessage {
}
