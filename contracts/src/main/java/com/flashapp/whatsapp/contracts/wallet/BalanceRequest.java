package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * The user asked for their balance ({@code wallet.requests}, {@code balance.get}); {@code refresh} bypasses
 * the cache.
 */
public record BalanceRequest(Envelope envelope, String whatsapp, boolean refresh) implements ContractMessage {
}
