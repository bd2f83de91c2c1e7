package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * The user asked for the BTC price ({@code wallet.requests}, {@code price.get}); {@code currency} is optional
 * (the user's display currency otherwise).
 */
public record PriceRequest(Envelope envelope, String whatsapp, String currency) implements ContractMessage {
}
