package com.flashapp.whatsapp.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/** The application the module's tests run: one consumer whose handler each test scripts, and the inbox table. */
public final class TestApplication {

    private TestApplication() {
    }

    /** Creates the inbox table (services get it from their Flyway V1) before anything is consumed. */
    @ApplicationScoped
    public static class InboxTable {
        void create(@Observes @Priority(1) StartupEvent event, Pool pool) {
            pool.query("create table if not exists inbox_message (message_id uuid not null, "
                    + "consumer varchar(64) not null, received_at timestamptz not null, "
                    + "primary key (message_id, consumer))").execute().await().indefinitely();
        }
    }

    /**
     * The PostgreSQL inbox, except that a test can make recording a given message fail a number of times (as while
     * PostgreSQL restarts between the handler's work and the record).
     */
    @ApplicationScoped
    @jakarta.enterprise.inject.Alternative
    @Priority(1)
    public static class FlakyInbox implements Inbox {

        private final PgInbox inbox;
        private final Map<java.util.UUID, AtomicInteger> failRecords = new ConcurrentHashMap<>();

        public FlakyInbox(Pool pool) {
            this.inbox = new PgInbox(pool);
        }

        void failRecording(java.util.UUID messageId, int times) {
            failRecords.put(messageId, new AtomicInteger(times));
        }

        @Override
        public Uni<Boolean> seen(java.util.UUID messageId, String consumer) {
            return inbox.seen(messageId, consumer);
        }

        @Override
        public Uni<Void> record(java.util.UUID messageId, String consumer) {
            var left = failRecords.get(messageId);
            if (left != null && left.getAndDecrement() > 0) {
                return Uni.createFrom().failure(new IllegalStateException("inbox table unreachable"));
            }
            return inbox.record(messageId, consumer);
        }
    }

    /**
     * Handles {@code test-in}: by default replies to the sender (publishes an outbound message, as command-service
     * does) and succeeds; a test replaces the behaviour for the texts it sends. Counts attempts per text.
     */
    @ApplicationScoped
    @Identifier("test-in")
    public static class ScriptedHandler implements MessageHandler {

        private final Publisher publisher;
        private final Map<String, BiFunction<InboundMessage, Integer, Uni<Void>>> scripts = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

        public ScriptedHandler(Publisher publisher) {
            this.publisher = publisher;
        }

        @Override
        public Uni<Void> handle(ContractMessage message) {
            var inbound = (InboundMessage) message;
            var attempt = attempts.computeIfAbsent(inbound.body(), k -> new AtomicInteger()).incrementAndGet();
            var script = scripts.get(inbound.body());
            return script == null ? reply(inbound) : script.apply(inbound, attempt);
        }

        /** Publishes one reply to the sender; completes on the broker's confirm. */
        public Uni<Void> reply(InboundMessage inbound) {
            var reply = new OutboundMessage(inbound.envelope().follow(RoutingKeys.Outbound.REPLY), inbound.from(),
                    "re: " + inbound.body(), List.of(), List.of(), null, null, inbound.receivedAt());
            return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply);
        }

        void script(String text, BiFunction<InboundMessage, Integer, Uni<Void>> behaviour) {
            scripts.put(text, behaviour);
        }

        int attempts(String text) {
            var n = attempts.get(text);
            return n == null ? 0 : n.get();
        }
    }

    /** Handles {@code test-sharded} (ShardingTest's profile only): records what it handled, in order. */
    @ApplicationScoped
    @Identifier("test-sharded")
    public static class RecordingHandler implements MessageHandler {

        private final java.util.Queue<InboundMessage> handled = new java.util.concurrent.ConcurrentLinkedQueue<>();

        @Override
        public Uni<Void> handle(ContractMessage message) {
            handled.add((InboundMessage) message);
            return Uni.createFrom().voidItem();
        }

        List<InboundMessage> handled() {
            return List.copyOf(handled);
        }
    }

    /**
     * Handles {@code test-rebalanced} (RebalanceTest's profile only): records each message as it starts, then takes
     * 20 ms, so a shard handed over has a message running and more waiting behind it.
     */
    @ApplicationScoped
    @Identifier("test-rebalanced")
    public static class SlowRecordingHandler extends RecordingHandler {

        @Override
        public Uni<Void> handle(ContractMessage message) {
            return super.handle(message).onItem().delayIt().by(java.time.Duration.ofMillis(20));
        }
    }
}
