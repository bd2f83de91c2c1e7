package com.flashapp.whatsapp.aisupport.messaging;

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

/**
 * Publishes contract messages to ai-support's exchanges (replies, expectations). The {@link Uni} completes on the
 * broker's publisher confirm and fails when the message was not taken, so the consumer requeues the question.
 */
@ApplicationScoped
public class BrokerPublisher {

    public static final String OUTBOUND = "whatsapp-outbound";
    public static final String EXPECT = "conversation-expect";

    private final Map<String, MutinyEmitter<byte[]>> emitters;

    public BrokerPublisher(@Channel(OUTBOUND) MutinyEmitter<byte[]> outbound,
                           @Channel(EXPECT) MutinyEmitter<byte[]> expect) {
        this.emitters = Map.of(Exchanges.WHATSAPP_OUTBOUND, outbound, Exchanges.CONVERSATION_EXPECT, expect);
    }

    /** Publishes persistently with the message's routing key; completes on the broker's confirm. */
    public Uni<Void> publish(String exchange, ContractMessage message) {
        var emitter = emitters.get(exchange);
        if (emitter == null) {
            return Uni.createFrom().failure(new IllegalArgumentException("ai-support does not publish to " + exchange));
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
