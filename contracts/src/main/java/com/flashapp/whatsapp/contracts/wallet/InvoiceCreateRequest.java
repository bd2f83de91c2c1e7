package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * Receive: create an invoice ({@code wallet.requests}, {@code invoice.create}); {@code amount} null means no
 * amount.
 */
public record InvoiceCreateRequest(
        Envelope envelope,
        String whatsapp,
        Amount amount,
        String memo) implements ContractMessage {
}
