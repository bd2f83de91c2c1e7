package com.flashapp.whatsapp.gateway.service;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.repository.Spool;
import com.flashapp.whatsapp.gateway.rest.WebhookProblem;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where an accepted webhook's message goes: to the broker (confirmed within {@code gateway.publish-timeout}) or, when
 * the broker cannot take it, to the spool in Redis — either way it is durably kept before Twilio gets its 200. Twilio
 * retries a messaging webhook only on a failed connection (and even with overrides only within 15 s), so a 503 while
 * the broker restarts would lose the user's message; the spool keeps it. A 503 remains only when neither can take it.
 *
 * <p>The relay: every {@code gateway.spool.relay-interval} each replica reads the spool's depth; while it is not
 * empty, new messages go to the spool too (behind the older ones, so nobody's messages overtake each other), and the
 * replica that holds the relay lock publishes the spool's messages oldest first, in rounds of {@code
 * gateway.spool.batch}, each user's in order, removing what the broker confirmed. A message relayed twice (a replica
 * died between the confirm and the removal) carries the same message id, which the consumers' inboxes drop.
 */
@ApplicationScoped
public class WebhookIntake {

    /** Where a message went. */
    public enum Destination { BROKER, SPOOL }

    /** Neither the broker nor the spool could take the message. */
    public static final class Unavailable extends RuntimeException {
        Unavailable(Throwable cause) {
            super("neither the broker nor the spool could take the message", cause, false, false);
        }
    }

    private final Publisher publisher;
    private final Spool spool;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final Vertx vertx;
    private final String owner = "relay-" + UUID.randomUUID();
    private final AtomicLong depth = new AtomicLong();
    private final AtomicBoolean relaying = new AtomicBoolean();
    private volatile boolean spooling;

    public WebhookIntake(Publisher publisher, Spool spool, GatewayMetrics metrics, GatewayConfig config, Vertx vertx) {
        this.publisher = publisher;
        this.spool = spool;
        this.metrics = metrics;
        this.config = config;
        this.vertx = vertx;
        metrics.spoolDepth(depth);
    }

    void start(@Observes StartupEvent event) {
        if (config.spool().enabled()) {
            vertx.setPeriodic(config.spool().relayInterval().toMillis(), id -> relay());
        }
    }

    /** Messages waiting in the spool (as last read). */
    public long depth() {
        return depth.get();
    }

    /** Whether new messages go to the spool (it holds older ones, or the broker is away). */
    public boolean spooling() {
        return spooling || !publisher.connected();
    }

    /**
     * Keeps a message whose dedup key this request has claimed: once it is kept, {@code done} marks the key (a retry
     * of the same webhook is then a duplicate); when neither the broker nor the spool takes it, {@code release} frees
     * the key for Twilio's retry and the answer is a 503 problem.
     */
    public Uni<Destination> keepClaimed(String endpoint, String exchange, ContractMessage message,
                                        Supplier<Uni<Void>> done, Supplier<Uni<Void>> release) {
        return keep(exchange, message).onItemOrFailure().transformToUni((destination, failure) -> {
            if (failure != null) {
                Log.warnf("%s to %s neither published nor spooled: %s", message.envelope().correlationId(), exchange,
                        failure.getClass().getSimpleName());
                return release.get().onFailure().recoverWithNull()
                        .flatMap(x -> Uni.createFrom().<Destination>failure(new WebhookProblem(503,
                                "broker-unavailable", "The message could not be queued; please retry.").at(endpoint)));
            }
            if (destination == Destination.BROKER) {
                metrics.published(endpoint);
            }
            // if marking fails the in-flight claim expires; a retry then keeps the same message id again
            return done.get().onFailure().recoverWithNull().replaceWith(destination);
        });
    }

    /**
     * Redis is away (dedup, rate limit and spool all live there): Twilio would not retry a 503 (it retries only failed
     * connections), so the message is published unchecked — its message id is derived from its sid, so a duplicate is
     * dropped by the consumer's inbox, and the rate limit is open for as long as Redis is away (counted). Without the
     * broker too, nothing can keep it: a 503 problem.
     */
    public Uni<Void> keepUnchecked(String endpoint, String exchange, ContractMessage message) {
        metrics.unchecked(endpoint);
        return publisher.publish(exchange, message, config.publishTimeout())
                .invoke(() -> metrics.published(endpoint))
                .onFailure().transform(f -> new WebhookProblem(503, "store-unavailable",
                        "The message could not be checked or queued; please retry.").at(endpoint));
    }

    /** Keeps the message durably: broker first, spool when the broker cannot take it. */
    public Uni<Destination> keep(String exchange, ContractMessage message) {
        if (!config.spool().enabled()) {
            return publisher.publish(exchange, message, config.publishTimeout()).replaceWith(Destination.BROKER);
        }
        if (spooling()) {
            return toSpool(exchange, message, null);
        }
        return publisher.publish(exchange, message, config.publishTimeout())
                .replaceWith(Destination.BROKER)
                .onFailure().recoverWithUni(failure -> toSpool(exchange, message, failure));
    }

    private Uni<Destination> toSpool(String exchange, ContractMessage message, Throwable publishFailure) {
        var envelope = message.envelope();
        return spool.append(exchange, message.routingKey(), envelope.messageId(), envelope.correlationId(),
                        MessageCodec.encode(message))
                .invoke(() -> {
                    spooling = true;
                    depth.incrementAndGet();
                    metrics.spooled();
                    if (publishFailure != null) {
                        Log.infof("%s spooled: the broker did not confirm (%s)", envelope.correlationId(),
                                publishFailure.getClass().getSimpleName());
                    }
                })
                .replaceWith(Destination.SPOOL)
                .onFailure().transform(Unavailable::new);
    }

    /** One relay round (on the timer). */
    void relay() {
        if (!relaying.compareAndSet(false, true)) {
            return;
        }
        spool.depth()
                .invoke(d -> {
                    depth.set(d);
                    spooling = d > 0;
                })
                .flatMap(d -> d == 0 || !publisher.connected() ? Uni.createFrom().voidItem() : relayHoldingLock())
                .onFailure().invoke(f -> Log.warnf("spool relay: %s", f.getClass().getSimpleName()))
                .onFailure().recoverWithNull()
                .subscribe().with(x -> relaying.set(false), f -> relaying.set(false));
    }

    private Uni<Void> relayHoldingLock() {
        var ttl = config.spool().lockTtl().toMillis();
        return spool.lock(owner, ttl).flatMap(held -> {
            if (!held) {
                return spool.renew(owner, ttl).flatMap(ours -> ours ? drain(ttl) : Uni.createFrom().voidItem());
            }
            return drain(ttl);
        });
    }

    /**
     * Publishes the spool oldest first until it is empty or a publish fails; keeps the lock while it works. A round
     * publishes its batch as one chain per user, the chains side by side: the publisher's one channel takes them back
     * to back and their confirms are awaited together, then the confirmed messages leave the spool in one call. Each
     * user's chain waits for a confirm before its next message, so when a publish fails nothing of that user's after it
     * has gone out and the order holds when the round is tried again. One message at a time (the earlier relay) did not
     * outpace a busy intake, which kept the gateway spooling long after the broker was back.
     */
    private Uni<Void> drain(long ttl) {
        return spool.oldest(config.spool().batch()).flatMap(entries -> {
            if (entries.isEmpty()) {
                return spool.unlock(owner).invoke(() -> {
                    depth.set(0);
                    spooling = false;
                    Log.info("spool relayed: empty");
                });
            }
            var chains = byUser(entries).stream().map(this::relayInOrder).toList();
            return Uni.join().all(chains).andFailFast().flatMap(confirmed -> {
                var ids = confirmed.stream().flatMap(List::stream).toList();
                return spool.remove(ids).invoke(() -> {
                    depth.addAndGet(-ids.size());
                    metrics.relayed(ids.size());
                }).flatMap(x -> {
                    if (ids.size() < entries.size()) {
                        Log.warnf("spool relay: %d of %d messages not confirmed; tried again next round",
                                entries.size() - ids.size(), entries.size());
                        return Uni.createFrom().voidItem();
                    }
                    return spool.renew(owner, ttl).flatMap(ours -> ours ? drain(ttl) : Uni.createFrom().voidItem());
                });
            });
        });
    }

    /** Publishes one user's messages in order, each after the one before is confirmed; the ids confirmed. */
    private Uni<List<String>> relayInOrder(List<Spool.Entry> entries) {
        var confirmed = new ArrayList<String>(entries.size());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var entry : entries) {
            chain = chain.flatMap(x -> publisher.publish(entry.exchange(), entry.routingKey(), entry.messageId(),
                    entry.correlationId(), entry.body())).invoke(() -> confirmed.add(entry.id()));
        }
        return chain.onFailure().recoverWithNull().map(x -> confirmed);
    }

    /** A round's messages by user (the consumers' order key), each user's in spool order. */
    static List<List<Spool.Entry>> byUser(List<Spool.Entry> entries) {
        var users = new LinkedHashMap<String, List<Spool.Entry>>();
        for (var entry : entries) {
            var userRef = MessageCodec.userRef(entry.body());
            var key = userRef == null || userRef.isBlank() ? entry.id() : userRef;
            users.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
        }
        return List.copyOf(users.values());
    }
}
