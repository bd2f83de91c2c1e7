package com.flashapp.whatsapp.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a service uses RabbitMQ ({@code messaging.*}). The broker's address and credentials are the {@code rabbitmq-*}
 * keys (defaults in this jar's {@code META-INF/microprofile-config.properties}, overridden by {@code RABBITMQ_*}).
 */
@ConfigMapping(prefix = "messaging")
public interface MessagingConfig {

    /** Wait between attempts to (re)connect to the broker. */
    @WithDefault("2s")
    Duration reconnectInterval();

    /** Time-out of the TCP connection and the AMQP handshake. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** AMQP heartbeat: how soon a silently dead connection is noticed (about twice this). */
    @WithDefault("10s")
    Duration heartbeat();

    /** How many times a message is delivered before its quorum queue dead-letters it ({@code x-delivery-limit}). */
    @WithDefault("5")
    int maxDeliveries();

    /** A consumer that holds unacknowledged messages and settles none for this long makes readiness DOWN. */
    @WithDefault("60s")
    Duration stallTimeout();

    /** Prepended to every exchange published to and consumed from (only benchmarks set it, to keep apart). */
    Optional<String> exchangePrefix();

    /**
     * The service's secrets besides the broker password, as {@code VARIABLE=property} ({@code VARIABLE_*=prefix.*}
     * for every property under a prefix): checked at start-up by {@link ProductionSecrets}.
     */
    Optional<List<String>> productionSecrets();

    /** Handling that failed because something it needs is away (database, Redis, broker) is retried in place. */
    Retry retry();

    /** The queues this service consumes, by name (the name identifies the handler and labels metrics). */
    Map<String, Consumer> consumers();

    /** Publishing with publisher confirms. */
    Publisher publisher();

    /** The idempotency inbox. */
    Inbox inbox();

    /** What makes the {@code RabbitMQ} readiness check DOWN (everything is always reported in its data). */
    Readiness readiness();

    /** Which of the service's replicas this is, for sharded consumers ({@link Consumer#shards()}). */
    Replica replica();

    interface Replica {
        /**
         * This replica's number, 0 to {@link #count()} - 1: it takes shards {@code i} with {@code i % count == index}
         * at once and stands by for the others. Only the spread of work depends on it: replicas that all say 0 are
         * still correct (one takes every shard, the others wait).
         */
        @WithDefault("0")
        int index();

        /** How many replicas the shards are spread over. */
        @WithDefault("1")
        int count();

        /**
         * How long a replica waits before it registers on the shards that are another replica's, so that replica,
         * starting at the same time, gets them first; if it is not there, this one takes them.
         */
        @WithDefault("5s")
        Duration standbyDelay();

        /**
         * How often a replica compares the shards it is the active consumer of with its fair share,
         * {@code ceil(shards / replicas)}, the replicas counted by the broker as the consumers of the consumer's
         * {@code <queue>.replicas} queue (every replica registers there). Above its share it hands one shard over: it
         * stops starting that shard's messages, lets the running ones finish and be acknowledged, and closes the
         * shard's channel, so the broker gives the messages not started, in their order, to the next replica waiting
         * on the shard; then it registers again, last in line. So shards spread over replicas that all say 0 of 1 (a Deployment scaled by
         * KEDA) and again after a rolling restart. A shard counts as active here once it has delivered a message
         * since this replica registered on it, so spreading happens under load. 0 turns it off.
         */
        @WithDefault("15s")
        Duration rebalanceInterval();

        /**
         * How long a hand-over waits for the shard's running handlers (a handler retrying against a restarting
         * database may not finish); past it the replica keeps the shard and tries again at the next interval.
         */
        @WithDefault("10s")
        Duration handoverTimeout();
    }

    /** TLS to the broker ({@code RABBITMQ_TLS_*}); off by default (the local broker speaks plain AMQP). */
    Tls tls();

    interface Tls {
        /** Connect with TLS. The broker's TLS listener is usually port 5671: set {@code RABBITMQ_PORT} too. */
        @WithDefault("false")
        boolean enabled();

        /** A PKCS#12 trust store holding the CA that signed the broker's certificate; absent: the JVM's CAs. */
        Optional<String> trustStore();

        Optional<String> trustStorePassword();

        /** Refuse a certificate that does not name the host connected to. Off only for a test broker. */
        @WithDefault("true")
        boolean verifyHostname();
    }

    interface Readiness {
        /** The publisher without a connection. Off where the service has somewhere else to put messages. */
        @WithDefault("true")
        boolean publisher();

        /** A consumer not registered on the broker, or stalled. */
        @WithDefault("true")
        boolean consumers();
    }

    interface Retry {
        /** First wait before handling a message again after a transient failure; doubles up to the maximum. */
        @WithDefault("200ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();
    }

    interface Consumer {
        /** Consume this queue (false: declared nowhere and not consumed, e.g. a benchmark). */
        @WithDefault("true")
        boolean enabled();

        /** The durable quorum queue, e.g. {@code command.whatsapp-inbound}; its DLQ is {@code <queue>.dlq}. */
        String queue();

        /** The topic exchange the queue is bound to. */
        String exchange();

        /** Binding keys ({@code #} for every message on the exchange). */
        @WithDefault("#")
        List<String> routingKeys();

        /** Unacknowledged messages the broker hands this consumer at once. */
        @WithDefault("32")
        int prefetch();

        /**
         * Messages handled at the same time. 1 keeps the queue's order (each user's messages in the order they
         * came); more only for handlers that keep order themselves (they are still started in delivery order).
         */
        @WithDefault("1")
        int concurrency();

        /** Skip message ids this consumer has already handled (the inbox); off where the handler is idempotent. */
        @WithDefault("true")
        boolean inbox();

        /**
         * Per-user shards (1: the queue alone). With n &gt; 1 the messages go through a consistent-hash exchange named
         * like the queue, keyed on the {@code flash-user} header, to n quorum queues {@code <queue>.0} … with a single
         * active consumer each among all the service's replicas: one user's messages stay on one shard, so in order
         * however many replicas run, and different users' messages are handled side by side. Needs the broker's
         * {@code rabbitmq_consistent_hash_exchange} plugin. A queue of the same name left by an unsharded build is
         * unbound and drained.
         */
        @WithDefault("1")
        int shards();
    }

    interface Publisher {
        /** Exchanges this service publishes to (declared on connect; a publish elsewhere is refused). */
        Optional<List<String>> exchanges();

        /** A publish whose confirm has not come after this long fails (and the caller retries or reports it). */
        @WithDefault("5s")
        Duration confirmTimeout();

        /** Messages waiting for the broker at most; beyond, a publish fails at once instead of queueing. */
        @WithDefault("10000")
        int maxPending();
    }

    interface Inbox {
        /** Where the inbox lives: {@code postgresql} (table {@code inbox_message}) or {@code none}. Build time. */
        @WithDefault("postgresql")
        String store();
    }
}
