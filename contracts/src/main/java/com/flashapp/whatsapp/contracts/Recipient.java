package com.flashapp.whatsapp.contracts;

/**
 * Who money goes to or is requested from, as the user named them.
 *
 * @param kind  how {@code value} is to be read
 * @param value the username (without @), E.164 phone number, invoice, Lightning address or wallet id
 */
public record Recipient(Kind kind, String value) {

    public enum Kind { USERNAME, PHONE, LIGHTNING_INVOICE, LIGHTNING_ADDRESS, WALLET_ID }
}
