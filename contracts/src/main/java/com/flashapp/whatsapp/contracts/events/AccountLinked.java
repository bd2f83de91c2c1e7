package com.flashapp.whatsapp.contracts.events;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.util.List;

/**
 * A WhatsApp user linked a Flash account ({@code flash.events}, {@code account.linked}); carries the address
 * so notification-service can reach the user.
 */
public record AccountLinked(
        Envelope envelope,
        String whatsapp,
        String flashAccountId,
        String flashUserId,
        String username,
        String displayCurrency,
        List<String> walletIds) implements ContractMessage {
}
