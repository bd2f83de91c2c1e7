package com.flashapp.whatsapp.contracts.wallet;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * Saved contacts ({@code wallet.requests}, {@code contact.manage}): save one (from "save mom +1876…" or a shared
 * WhatsApp contact card), list them, or delete one by name. balance-service owns the contacts (it resolves every
 * recipient); command-service only parses.
 *
 * @param name     the contact's name as typed (SAVE, DELETE)
 * @param phone    the number in E.164 (SAVE from text)
 * @param vcardUrl the Twilio media URL of a shared contact card ({@code text/vcard}); balance-service downloads
 *                 and reads it (SAVE from a card, {@code name} and {@code phone} null)
 */
public record ContactCommand(
        Envelope envelope,
        String whatsapp,
        Action action,
        String name,
        String phone,
        String vcardUrl) implements ContractMessage {

    /** What the user wants done with their contacts. */
    public enum Action { SAVE, LIST, DELETE }
}
