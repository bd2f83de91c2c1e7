package com.flashapp.whatsapp.notification.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.messaging.MessageHandler;
import com.flashapp.whatsapp.notification.service.IncomingMessageHandler;
import com.flashapp.whatsapp.notification.service.OutboundService;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The busiest queue, {@code notification.whatsapp-outbound}: each message joins the outbox's group store, which
 * writes whatever arrived meanwhile in one statement (in delivery order, with the inbox rows) and completes them all
 * when it is committed, so a message is acknowledged only once it is stored. The consumer hands up to its prefetch to
 * this handler at once ({@code concurrency} in application.properties), which is what lets groups form.
 */
@ApplicationScoped
@Identifier(OutboundHandler.CONSUMER)
public class OutboundHandler implements MessageHandler {

    /** The consumer's name in {@code messaging.consumers.*}, also the inbox's consumer name. */
    public static final String CONSUMER = "whatsapp-outbound";

    private final OutboundService outbound;
    private final IncomingMessageHandler others;

    public OutboundHandler(OutboundService outbound, IncomingMessageHandler others) {
        this.outbound = outbound;
        this.others = others;
    }

    @Override
    public Uni<Void> handle(ContractMessage message) {
        if (message instanceof OutboundMessage outboundMessage) {
            return outbound.acceptInGroup(outboundMessage, CONSUMER);
        }
        return others.handle(message);
    }
}
