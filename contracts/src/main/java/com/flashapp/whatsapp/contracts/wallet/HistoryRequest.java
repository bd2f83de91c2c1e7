package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * Transaction history ({@code wallet.requests}, {@code history.get}): {@code limit} entries, or the {@code
 * nextPage}, or the details of entry {@code detailIndex} (1-based) of the last list.
 */
public record HistoryRequest(
        Envelope envelope,
        String whatsapp,
        Integer limit,
        boolean nextPage,
        Integer detailIndex) implements ContractMessage {
}
