package com.flashapp.whatsapp.messaging;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

/**
 * One message the broker handed a consumer, on the channel it came on. Its delivery tag means something only on
 * that channel: once the channel is gone the broker has put the message back, and settling it is skipped.
 */
record Delivery(Channel channel, int generation, long tag, boolean redelivered, String routingKey,
                AMQP.BasicProperties properties, byte[] body) {

    /** Whether the channel it came on is still open (its ack or nack can still reach the broker). */
    boolean live() {
        return channel.isOpen();
    }

    /** How many times the broker delivered it before ({@code x-delivery-count} of quorum queues), 0 if unknown. */
    long previousDeliveries() {
        var headers = properties.getHeaders();
        var count = headers == null ? null : headers.get("x-delivery-count");
        return count instanceof Number n ? n.longValue() : 0;
    }
}
