package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Recipient;

/**
 * Send or pay ({@code wallet.requests}, {@code payment.send}); {@code amount} may be null when the invoice
 * carries one.
 */
public record PaymentSendRequest(
        Envelope envelope,
        String whatsapp,
        Amount amount,
        Recipient to,
        String memo) implements ContractMessage {
}
