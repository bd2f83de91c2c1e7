package com.flashapp.whatsapp.gateway.messaging;

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

import java.time.ZonedDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * Publishes contract messages to the gateway's exchanges. The returned {@link Uni} completes only when the
 * broker has confirmed the message (publisher confirms), so a caller can answer Twilio 200 knowing the message
 * is durably queued, and fails when it is not.
 */
@ApplicationScoped
public class BrokerPublisher {

    public static final String INBOUND = "whatsapp-inbound";
    public static final String DELIVERY = "whatsapp-delivery";
    public static final String FLASH_EVENTS = "flash-events";
    public static final String OUTBOUND = "whatsapp-outbound";

    private final Map<String, MutinyEmitter<byte[]>> emitters;

    public BrokerPublisher(@Channel(INBOUND) MutinyEmitter<byte[]> inbound,
                           @Channel(DELIVERY) MutinyEmitter<byte[]> delivery,
                           @Channel(FLASH_EVENTS) MutinyEmitter<byte[]> flashEvents,
                           @Channel(OUTBOUND) MutinyEmitter<byte[]> outbound) {
        this.emitters = Map.of(
                Exchanges.WHATSAPP_INBOUND, inbound,
                Exchanges.WHATSAPP_DELIVERY, delivery,
                Exchanges.FLASH_EVENTS, flashEvents,
                Exchanges.WHATSAPP_OUTBOUND, outbound);
    }

    /** Publishes persistently with the message's routing key; completes on the broker's confirm. */
    public Uni<Void> publish(String exchange, ContractMessage message) {
        var emitter = emitters.get(exchange);
        if (emitter == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("gateway does not publish to " + exchange));
        }
        var metadata = new OutgoingRabbitMQMetadata.Builder()
                .withRoutingKey(message.routingKey())
                .withContentType("application/json")
                .withDeliveryMode(2)
                .withMessageId(message.envelope().messageId().toString())
                .withCorrelationId(message.envelope().correlationId())
                .withTimestamp(ZonedDateTime.ofInstant(message.envelope().occurredAt(), ZoneOffset.UTC))
                .build();
        return emitter.sendMessage(Message.of(MessageCodec.encode(message), Metadata.of(metadata)));
    }
}
