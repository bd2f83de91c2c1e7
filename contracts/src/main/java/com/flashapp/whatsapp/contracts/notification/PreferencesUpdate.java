package com.flashapp.whatsapp.contracts.notification;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * Change notification preferences ({@code notification.requests}, {@code preferences.update}); null fields
 * stay as they are. {@code quietHours} is {@code HH:mm-HH:mm} or {@code off}; {@code frequency} is {@code
 * immediate}, {@code hourly} or {@code daily}.
 */
public record PreferencesUpdate(
        Envelope envelope,
        String whatsapp,
        Boolean enabled,
        Amount minimumAmount,
        String quietHours,
        String frequency,
        String timeZone) implements ContractMessage {
}
