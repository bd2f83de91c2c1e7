package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.handoff.HandoffRouter;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.expect.HandoffRoute;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.messaging.MessageHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Handles each message command-service consumes, once (the messaging module's consumers call it for all three
 * queues: inbound messages, expectations, link events).
 */
@ApplicationScoped
public class IncomingMessageHandler implements MessageHandler {

    private final ConversationService conversations;
    private final UserService users;
    private final HandoffRouter handoff;

    public IncomingMessageHandler(ConversationService conversations, UserService users, HandoffRouter handoff) {
        this.handoff = handoff;
        this.conversations = conversations;
        this.users = users;
    }

    @Override
    public Uni<Void> handle(ContractMessage message) {
        if (message instanceof InboundMessage inbound) {
            return conversations.onInbound(inbound);
        }
        if (message instanceof ConversationExpectation expectation) {
            return conversations.expect(expectation);
        }
        if (message instanceof HandoffRoute route) {
            return handoff.apply(route);
        }
        if (message instanceof AccountLinked linked) {
            return users.linked(linked);
        }
        if (message instanceof AccountUnlinked unlinked) {
            return users.unlinked(unlinked);
        }
        Log.debugf("Ignoring %s", message.routingKey());
        return Uni.createFrom().voidItem();
    }
}
