package com.flashapp.whatsapp.contracts.notification;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/** Show notification preferences ({@code notification.requests}, {@code preferences.get}). */
public record PreferencesGet(Envelope envelope, String whatsapp) implements ContractMessage {
}
