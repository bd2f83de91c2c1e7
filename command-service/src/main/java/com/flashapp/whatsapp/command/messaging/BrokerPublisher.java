package com.flashapp.whatsapp.command.messaging;

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
 * Publishes contract messages to the exchanges command-service routes to. The returned {@link Uni} completes when
 * the broker confirmed the message (publisher confirms), so an inbound message is acknowledged only after what it
 * caused is durably queued.
 */
@ApplicationScoped
public class BrokerPublisher {

    public static final String WALLET = "wallet-requests";
    public static final String SUPPORT = "support-requests";
    public static final String NOTIFICATION = "notification-requests";
    public static final String OUTBOUND = "whatsapp-outbound";

    private final Map<String, MutinyEmitter<byte[]>> emitters;

    public BrokerPublisher(@Channel(WALLET) MutinyEmitter<byte[]> wallet,
                           @Channel(SUPPORT) MutinyEmitter<byte[]> support,
                           @Channel(NOTIFICATION) MutinyEmitter<byte[]> notification,
                           @Channel(OUTBOUND) MutinyEmitter<byte[]> outbound) {
        this.emitters = Map.of(
                Exchanges.WALLET_REQUESTS, wallet,
                Exchanges.SUPPORT_REQUESTS, support,
                Exchanges.NOTIFICATION_REQUESTS, notification,
                Exchanges.WHATSAPP_OUTBOUND, outbound);
    }

    /** Whether this service can publish to an exchange (an expectation's owner must be one of them). */
    public boolean publishesTo(String exchange) {
        return emitters.containsKey(exchange);
    }

    /** Publishes persistently with the message's routing key; completes on the broker's confirm. */
    public Uni<Void> publish(String exchange, ContractMessage message) {
        var emitter = emitters.get(exchange);
        if (emitter == null) {
            return Uni.createFrom().failure(
                    new IllegalArgumentException("command-service does not publish to " + exchange));
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
