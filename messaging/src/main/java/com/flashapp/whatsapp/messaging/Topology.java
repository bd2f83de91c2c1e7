package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.rabbitmq.client.Channel;

import java.io.IOException;
import java.util.HashMap;

/**
 * What a consumed queue needs on the broker, declared on every (re)connect (declarations are idempotent): its topic
 * exchange; a durable quorum queue whose {@code x-delivery-limit} bounds redelivery and which dead-letters to the
 * direct exchange {@value Exchanges#DEAD_LETTERS} with the queue's name as routing key; the bindings; and the
 * dead-letter queue {@code <queue>.dlq}. The arguments are the ones the services declared before this module
 * existed, so queues made by an older build are accepted as they are.
 */
final class Topology {

    private Topology() {
    }

    static void declare(Channel channel, String exchange, MessagingConfig.Consumer consumer, int maxDeliveries)
            throws IOException {
        channel.exchangeDeclare(exchange, "topic", true);
        channel.exchangeDeclare(Exchanges.DEAD_LETTERS, "direct", true);
        var queue = consumer.queue();
        var arguments = new HashMap<String, Object>();
        arguments.put("x-queue-type", "quorum");
        arguments.put("x-delivery-limit", maxDeliveries);
        arguments.put("x-dead-letter-exchange", Exchanges.DEAD_LETTERS);
        arguments.put("x-dead-letter-routing-key", queue);
        channel.queueDeclare(queue, true, false, false, arguments);
        for (var key : consumer.routingKeys()) {
            channel.queueBind(queue, exchange, key);
        }
        var dlq = Queues.dlq(queue);
        channel.queueDeclare(dlq, true, false, false, null);
        channel.queueBind(dlq, Exchanges.DEAD_LETTERS, queue);
    }
}
