package com.flashapp.whatsapp.contracts.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * The user asked for a person ({@code support.requests}, {@code handoff.request}: command → ai-support), by "talk to
 * a human", "agent" or the *Talk to a human* quick reply. ai-support opens a ticket (or reports the open one) and
 * answers the user itself; the ticket's routing comes back to command as {@code HandoffRoute}.
 *
 * @param envelope  the user's message id (a redelivery opens no second ticket); userRef = the user's
 * @param whatsapp  the user's address, {@code whatsapp:+E164}: where the agent's words are relayed
 * @param username  the linked Flash username (without @), null when not linked: shown to the agent
 * @param reason    {@code asked} (typed or tapped); ai-support opens tickets itself for {@code unhelpful}
 */
public record HandoffRequest(
        Envelope envelope,
        String whatsapp,
        String username,
        String reason) implements ContractMessage {

    public static final String ASKED = "asked";
    public static final String UNHELPFUL = "unhelpful";
}
