package com.flashapp.whatsapp.balance.messaging;

import com.flashapp.whatsapp.balance.repository.OutboxRepository;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import com.flashapp.whatsapp.balance.config.BalanceConfig;

/**
 * Publishes outbox events written with the database change that caused them. Each batch is locked with
 * {@code for update skip locked} (replicas share the work) and an event is marked published only after the
 * broker's confirm, so an event is published at least once; consumers deduplicate by message id.
 */
@ApplicationScoped
public class OutboxRelay {

    private final Pool pool;
    private final OutboxRepository outbox;
    private final Publisher publisher;
    private final int batchSize;

    public OutboxRelay(Pool pool, OutboxRepository outbox, Publisher publisher,
                       BalanceConfig config) {
        this.pool = pool;
        this.outbox = outbox;
        this.publisher = publisher;
        this.batchSize = config.outbox().batchSize();
    }

    @Scheduled(every = "${balance.outbox.relay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> relay() {
        return relayOnce().onFailure().recoverWithItem(e -> {
            Log.warnf("Outbox relay run failed, will retry: %s", e.toString());
            return 0;
        }).replaceWithVoid();
    }

    /** Publishes one batch; the number of events published. */
    public Uni<Integer> relayOnce() {
        return pool.withTransaction(tx -> outbox.lockBatch(tx, batchSize)
                .flatMap(events -> Multi.createFrom().iterable(events)
                        .onItem().transformToUniAndConcatenate(event -> publisher
                                .publish(event.exchange(), event.routingKey(), event.id(), null, event.payload())
                                .flatMap(ignored -> outbox.markPublished(tx, event.id())))
                        .collect().last()
                        .replaceWith(events.size())));
    }
}
