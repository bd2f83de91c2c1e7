package com.flashapp.whatsapp.balance.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes to the exchanges balance-service writes to. The returned {@link Uni} completes only on the
 * broker's publisher confirm and fails otherwise, so the outbox relay marks an event sent only when it is.
 */
@ApplicationScoped
public class BrokerPublisher {

    public static final String OUTBOUND = "whatsapp-outbound";
    public static final String FLASH_EVENTS_OUT = "flash-events-out";
    public static final String EXPECT = "conversation-expect";
    public static final String GATEWAY_MEDIA_OUT = "gateway-media-out";

    private final Map<String, MutinyEmitter<byte[]>> emitters;

    public BrokerPublisher(@Channel(OUTBOUND) MutinyEmitter<byte[]> outbound,
                           @Channel(FLASH_EVENTS_OUT) MutinyEmitter<byte[]> flashEvents,
                           @Channel(EXPECT) MutinyEmitter<byte[]> expect,
                           @Channel(GATEWAY_MEDIA_OUT) MutinyEmitter<byte[]> media) {
        this.emitters = Map.of(
                Exchanges.WHATSAPP_OUTBOUND, outbound,
                Exchanges.FLASH_EVENTS, flashEvents,
                Exchanges.CONVERSATION_EXPECT, expect,
                Exchanges.GATEWAY_MEDIA, media);
    }

    /** Publishes persistently with the message's routing key; completes on the broker's confirm. */
    public Uni<Void> publish(String exchange, ContractMessage message) {
        var envelope = message.envelope();
        return publish(exchange, message.routingKey(), envelope.messageId(), envelope.correlationId(),
                MessageCodec.encode(message));
    }

    /** Publishes already-encoded bytes (the outbox relay). */
    public Uni<Void> publish(String exchange, String routingKey, UUID messageId, String correlationId, byte[] body) {
        var emitter = emitters.get(exchange);
        if (emitter == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("balance does not publish to " + exchange));
        }
        var metadata = new OutgoingRabbitMQMetadata.Builder()
                .withRoutingKey(routingKey)
                .withContentType("application/json")
                .withDeliveryMode(2)
                .withMessageId(messageId.toString())
                .withCorrelationId(correlationId)
                .withTimestamp(ZonedDateTime.now(ZoneOffset.UTC))
                .build();
        return emitter.sendMessage(Message.of(body, Metadata.of(metadata)));
    }
}
