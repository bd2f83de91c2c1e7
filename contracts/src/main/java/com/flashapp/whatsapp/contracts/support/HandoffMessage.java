package com.flashapp.whatsapp.contracts.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * One message of a support conversation, routed by command-service to ai-support ({@code support.requests}):
 * {@code handoff.user} — what a user with an open ticket wrote (relayed to the agent, or kept for the agent who takes
 * the ticket; {@code done} ends it); {@code handoff.agent} — what a configured agent number wrote: an agent command
 * ({@code tickets}, {@code take <n>}, {@code done}) or words for the user of the agent's ticket.
 *
 * @param envelope userRef = the writer's; the message id makes a redelivery one transcript line and one relay
 * @param whatsapp the writer's address, {@code whatsapp:+E164} (an agent's identifies the agent)
 * @param body     what was written (a tapped button's payload; a voice note's transcript)
 */
public record HandoffMessage(
        Envelope envelope,
        String whatsapp,
        String body) implements ContractMessage {
}
