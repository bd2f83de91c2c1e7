package com.flashapp.whatsapp.notification.messaging;

import com.flashapp.whatsapp.notification.repository.InboxRepository;
import com.flashapp.whatsapp.notification.service.IncomingMessageHandler;
import com.flashapp.whatsapp.notification.service.OutboundService;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every queue notification-service consumes. Each message is decoded with the contracts codec, checked against the
 * inbox (so a redelivery is acknowledged without being handled twice), handled, and only then acknowledged.
 * A malformed message is rejected straight to its dead-letter queue; a failure while handling is requeued
 * and the quorum queue's delivery limit moves it to the dead-letter queue after the configured attempts.
 */
@ApplicationScoped
public class MessageConsumers {

    public static final String OUTBOUND = "whatsapp-outbound";
    public static final String DELIVERY = "whatsapp-delivery";
    public static final String FLASH_EVENTS = "flash-events";
    public static final String REQUESTS = "notification-requests";
    public static final String INBOUND = "whatsapp-inbound";

    private final InboxRepository inbox;
    private final IncomingMessageHandler handler;
    private final OutboundService outbound;
    private final MeterRegistry registry;
    private final Map<Consumed, Counter> consumed = new ConcurrentHashMap<>();

    public MessageConsumers(InboxRepository inbox, IncomingMessageHandler handler, OutboundService outbound,
                            MeterRegistry registry) {
        this.inbox = inbox;
        this.handler = handler;
        this.outbound = outbound;
        this.registry = registry;
    }

    /**
     * The busiest channel: the message is handed to the outbox's group store and the next one is taken at once;
     * it is acknowledged when its group is committed (stored before ack), or requeued if storing it failed. The
     * group store keeps the delivery order, so each user's replies keep theirs. How many wait unacknowledged is
     * bounded by the channel's {@code max-outstanding-messages}.
     */
    @Incoming(OUTBOUND)
    public Uni<Void> onOutbound(Message<byte[]> message) {
        var routingKey = routingKey(message);
        ContractMessage decoded;
        try {
            decoded = MessageCodec.decode(message.getPayload(), Exchanges.WHATSAPP_OUTBOUND, routingKey);
        } catch (MessageCodec.MalformedMessageException e) {
            Log.warnf("Dead-lettering malformed message on %s (%s): %s", OUTBOUND, routingKey, e.getMessage());
            count(OUTBOUND, routingKey, "malformed");
            return nack(message, e, false);
        }
        if (!(decoded instanceof OutboundMessage outboundMessage)) {
            return consume(OUTBOUND, Exchanges.WHATSAPP_OUTBOUND, message);
        }
        outbound.acceptInGroup(outboundMessage, OUTBOUND)
                .invoke(() -> count(OUTBOUND, routingKey, "handled"))
                .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(e -> {
                    Log.warnf("Handling %s on %s failed, requeueing: %s", routingKey, OUTBOUND, e.toString());
                    count(OUTBOUND, routingKey, "failed");
                    return nack(message, e, true);
                })
                .subscribe().with(ignored -> { }, e -> Log.warnf("Acknowledging on %s failed: %s", OUTBOUND,
                        e.toString()));
        return Uni.createFrom().voidItem();
    }

    private static String routingKey(Message<byte[]> message) {
        return message.getMetadata(IncomingRabbitMQMetadata.class)
                .map(IncomingRabbitMQMetadata::getRoutingKey).orElse("");
    }

    @Incoming(DELIVERY)
    public Uni<Void> onDeliveryStatus(Message<byte[]> message) {
        return consume(DELIVERY, Exchanges.WHATSAPP_DELIVERY, message);
    }

    @Incoming(FLASH_EVENTS)
    public Uni<Void> onFlashEvent(Message<byte[]> message) {
        return consume(FLASH_EVENTS, Exchanges.FLASH_EVENTS, message);
    }

    @Incoming(REQUESTS)
    public Uni<Void> onRequest(Message<byte[]> message) {
        return consume(REQUESTS, Exchanges.NOTIFICATION_REQUESTS, message);
    }

    /** What users write: only when, for the 24-hour window. */
    @Incoming(INBOUND)
    public Uni<Void> onInbound(Message<byte[]> message) {
        return consume(INBOUND, Exchanges.WHATSAPP_INBOUND, message);
    }

    private Uni<Void> consume(String channel, String exchange, Message<byte[]> message) {
        var routingKey = routingKey(message);
        ContractMessage decoded;
        try {
            decoded = MessageCodec.decode(message.getPayload(), exchange, routingKey);
        } catch (MessageCodec.MalformedMessageException e) {
            Log.warnf("Dead-lettering malformed message on %s (%s): %s", channel, routingKey, e.getMessage());
            count(channel, routingKey, "malformed");
            return nack(message, e, false);
        }
        var messageId = decoded.envelope().messageId();
        return inbox.handled(messageId, channel)
                .flatMap(seen -> {
                    if (seen) {
                        count(channel, routingKey, "duplicate");
                        return Uni.createFrom().voidItem();
                    }
                    return handler.handle(decoded)
                            .flatMap(ignored -> inbox.record(messageId, channel))
                            .invoke(() -> count(channel, routingKey, "handled"));
                })
                .onItem().transformToUni(ignored -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(e -> {
                    Log.warnf("Handling %s on %s failed, requeueing: %s", routingKey, channel, e.toString());
                    count(channel, routingKey, "failed");
                    return nack(message, e, true);
                });
    }

    private Uni<Void> nack(Message<byte[]> message, Throwable cause, boolean requeue) {
        CompletionStage<Void> nacked = message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(requeue)));
        return Uni.createFrom().completionStage(nacked);
    }

    private record Consumed(String channel, String routingKey, String outcome) {
    }

    private void count(String channel, String routingKey, String outcome) {
        // looked up once per combination: a registry lookup builds and sorts its tags on every call
        consumed.computeIfAbsent(new Consumed(channel, routingKey, outcome), k -> registry.counter(
                "messages.consumed", "channel", k.channel(), "type", k.routingKey(), "outcome", k.outcome()))
                .increment();
    }
}
