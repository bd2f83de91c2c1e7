package com.flashapp.whatsapp.contracts.expect;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * Where a ticket's messages go now ({@code conversation.expect}, {@code handoff}: ai-support → command), published on
 * every change of a ticket. While {@code state} is {@code waiting} or {@code assigned}, command routes everything the
 * user writes to ai-support as {@code handoff.user}; while {@code assigned}, everything the agent writes goes as
 * {@code handoff.agent}; {@code closed} gives both back to the bot.
 *
 * @param envelope userRef = the ticket's user
 * @param ticket   the ticket number agents see ({@code take <n>})
 * @param version  increases with every change of every ticket: a route older than the one applied is ignored, so
 *                 changes that arrive out of order cannot reopen a closed ticket
 * @param state    {@code waiting}, {@code assigned} or {@code closed}
 * @param agent    the assigned agent's address {@code whatsapp:+E164} (for {@code assigned}, and for
 *                 {@code closed} after one was), else null
 */
public record HandoffRoute(
        Envelope envelope,
        long ticket,
        long version,
        String state,
        String agent) implements ContractMessage {

    public static final String WAITING = "waiting";
    public static final String ASSIGNED = "assigned";
    public static final String CLOSED = "closed";
}
