package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.WireHeaders;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Another replica of a sharded consumer, played by a plain AMQP client: registered on the consumer's replicas queue,
 * single-active consumers on the shards it is told to take, one unacknowledged message at a time, each recorded with
 * its shard and acknowledged at once. It never hands a shard over.
 */
final class OtherReplica implements AutoCloseable {

    /** A message this replica received, and the shard it came from. */
    record Received(InboundMessage message, int shard) {
    }

    private final String queue;
    private final Connection connection;
    private final Channel channel;
    private boolean present;
    private final Queue<Received> received = new ConcurrentLinkedQueue<>();
    /** Messages whose {@code flash-user} header was not their envelope's userRef. */
    final Queue<String> unlabelled = new ConcurrentLinkedQueue<>();

    OtherReplica(String queue) throws Exception {
        this.queue = queue;
        connection = TestBroker.factory().newConnection("test-replica-1");
        channel = connection.createChannel();
        channel.basicQos(1);
    }

    /** Registers on the shards, and as a replica of the consumer (as the messaging module does on connect). */
    void consume(int... shards) throws Exception {
        if (!present) {
            present = true;
            var replicas = Queues.replicas(queue);
            channel.queueDeclare(replicas, true, false, false, Map.of("x-queue-type", "classic"));
            channel.basicConsume(replicas, false, new DefaultConsumer(channel));
        }
        for (var shard : shards) {
            channel.basicConsume(Queues.shard(queue, shard), false, new DefaultConsumer(channel) {
                @Override
                public void handleDelivery(String tag, com.rabbitmq.client.Envelope envelope,
                                           AMQP.BasicProperties properties, byte[] body) throws IOException {
                    var message = MessageCodec.decode(body, InboundMessage.class);
                    if (!message.envelope().userRef().equals(
                            String.valueOf(properties.getHeaders().get(WireHeaders.USER)))) {
                        unlabelled.add(message.body());
                    }
                    received.add(new Received(message, shard));
                    channel.basicAck(envelope.getDeliveryTag(), false);
                }
            });
        }
    }

    /** What it received of these users' messages, in the order it came. */
    List<InboundMessage> received(List<String> users) {
        return received.stream().map(Received::message).filter(m -> users.contains(m.envelope().userRef())).toList();
    }

    /** The shards the messages of these users it received came from. */
    Set<Integer> shards(List<String> users) {
        var shards = new TreeSet<Integer>();
        received.stream().filter(r -> users.contains(r.message().envelope().userRef())).forEach(r -> shards.add(r.shard()));
        return shards;
    }

    @Override
    public void close() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }
}
