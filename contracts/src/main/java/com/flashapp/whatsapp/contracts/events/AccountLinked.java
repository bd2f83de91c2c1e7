package com.flashapp.whatsapp.contracts.events;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.util.List;

/**
 * A WhatsApp user linked a Flash account ({@code flash.events}, {@code account.linked}); carries the address
 * so notification-service can reach the user. {@code locale} (BCP 47, e.g. {@code en}, {@code es-SV}; may be null,
 * and is absent from events published before it existed) is the language the user linked in, so notifications can
 * be written and formatted for them.
 */
public record AccountLinked(
        Envelope envelope,
        String whatsapp,
        String flashAccountId,
        String flashUserId,
        String username,
        String displayCurrency,
        List<String> walletIds,
        String locale) implements ContractMessage {

    /** An event without a known locale. */
    public AccountLinked(Envelope envelope, String whatsapp, String flashAccountId, String flashUserId,
                         String username, String displayCurrency, List<String> walletIds) {
        this(envelope, whatsapp, flashAccountId, flashUserId, username, displayCurrency, walletIds, null);
    }
}
