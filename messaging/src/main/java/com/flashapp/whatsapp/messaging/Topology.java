package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.WireHeaders;
import com.rabbitmq.client.Channel;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * What a consumed queue needs on the broker, declared on every (re)connect (declarations are idempotent): its topic
 * exchange; a durable quorum queue whose {@code x-delivery-limit} bounds redelivery and which dead-letters to the
 * direct exchange {@value Exchanges#DEAD_LETTERS} with the queue's name as routing key; the bindings; and the
 * dead-letter queue {@code <queue>.dlq}. The arguments are the ones the services declared before this module
 * existed, so queues made by an older build are accepted as they are.
 *
 * <p>A sharded consumer ({@link MessagingConfig.Consumer#shards()} &gt; 1) has instead a consistent-hash exchange
 * named like the queue, bound to the topic exchange with the same keys and hashing the {@value WireHeaders#USER}
 * header, and behind it the shard queues {@code <queue>.0} … {@code <queue>.<n-1>}, each a quorum queue as above
 * with a single active consumer, dead-lettering under the queue's own name into the one {@code <queue>.dlq}.
 */
final class Topology {

    static final String CONSISTENT_HASH = "x-consistent-hash";

    private Topology() {
    }

    /** Whether shard {@code index} is this replica's to take at once (the others it takes only as a stand-in). */
    static boolean preferred(int index, MessagingConfig.Replica replica) {
        var count = Math.max(1, replica.count());
        return index % count == Math.floorMod(replica.index(), count);
    }

    static void declare(Channel channel, String exchange, MessagingConfig.Consumer consumer, int maxDeliveries)
            throws IOException {
        channel.exchangeDeclare(exchange, "topic", true);
        channel.exchangeDeclare(Exchanges.DEAD_LETTERS, "direct", true);
        var queue = consumer.queue();
        if (consumer.shards() <= 1) {
            channel.queueDeclare(queue, true, false, false, arguments(queue, maxDeliveries));
            for (var key : consumer.routingKeys()) {
                channel.queueBind(queue, exchange, key);
            }
        } else {
            channel.exchangeDeclare(queue, CONSISTENT_HASH, true, false, Map.of("hash-header", WireHeaders.USER));
            for (var key : consumer.routingKeys()) {
                channel.exchangeBind(queue, exchange, key);
            }
            for (int i = 0; i < consumer.shards(); i++) {
                var arguments = arguments(queue, maxDeliveries);
                arguments.put("x-single-active-consumer", true);
                channel.queueDeclare(Queues.shard(queue, i), true, false, false, arguments);
                channel.queueBind(Queues.shard(queue, i), queue, "1"); // equal weights
            }
        }
        var dlq = Queues.dlq(queue);
        channel.queueDeclare(dlq, true, false, false, null);
        channel.queueBind(dlq, Exchanges.DEAD_LETTERS, queue);
    }

    /**
     * The queue an unsharded build consumed, if the broker still has it: unbound from the topic exchange, so nothing
     * new reaches it, and returned to be drained; false (and {@code channel} closed by the broker) when there is none.
     */
    static boolean unbindUnsharded(Channel channel, String exchange, MessagingConfig.Consumer consumer)
            throws IOException {
        try {
            channel.queueDeclarePassive(consumer.queue());
        } catch (IOException absent) {
            return false;
        }
        for (var key : consumer.routingKeys()) {
            channel.queueUnbind(consumer.queue(), exchange, key);
        }
        return true;
    }

    private static Map<String, Object> arguments(String queue, int maxDeliveries) {
        var arguments = new HashMap<String, Object>();
        arguments.put("x-queue-type", "quorum");
        arguments.put("x-delivery-limit", maxDeliveries);
        arguments.put("x-dead-letter-exchange", Exchanges.DEAD_LETTERS);
        arguments.put("x-dead-letter-routing-key", queue);
        return arguments;
    }
}
