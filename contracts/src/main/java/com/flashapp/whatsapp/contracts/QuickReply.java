package com.flashapp.whatsapp.contracts;

/**
 * A suggested answer shown as a WhatsApp quick-reply button where possible, else as numbered text.
 *
 * @param payload what comes back as {@code ButtonPayload} when tapped (a command the user could have typed)
 * @param title   the button label (WhatsApp allows at most 20 characters)
 */
public record QuickReply(String payload, String title) {
}
