package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Recipient;

/**
 * Payment requests ({@code wallet.requests}, {@code payment.request}): create one to {@code from}, list open
 * ones, or cancel one by its number.
 */
public record PaymentRequestCommand(
        Envelope envelope,
        String whatsapp,
        Action action,
        Amount amount,
        Recipient from,
        String memo,
        Integer index) implements ContractMessage {

    /** What the user wants done with payment requests. */
    public enum Action { CREATE, LIST, CANCEL }
}
