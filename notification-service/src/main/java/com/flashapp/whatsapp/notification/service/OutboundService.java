package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.messaging.Inbox;
import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import com.flashapp.whatsapp.notification.repository.OutboxRepository.NewMessage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Stores outbound messages in the outbox (the only way anything is sent) and wakes the relay after commit.
 * A body longer than Twilio's 1,600 characters is stored as several parts in order.
 */
@ApplicationScoped
public class OutboundService {

    /** Twilio's limit for one message body. */
    static final int MAX_BODY = 1600;

    private final OutboxRepository outbox;
    private final Inbox inbox;
    private final OutboxRelay relay;
    private final Pool pool;
    private final Clock clock;
    private final int maxGroup;
    private final ConcurrentLinkedQueue<Pending> groups = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final Timer storeTimer;

    public OutboundService(OutboxRepository outbox, Inbox inbox, OutboxRelay relay, Pool pool,
                           Clock clock, NotificationConfig config, MeterRegistry registry) {
        this.outbox = outbox;
        this.inbox = inbox;
        this.relay = relay;
        this.pool = pool;
        this.clock = clock;
        this.maxGroup = Math.max(1, config.messaging().outboundPrefetch());
        this.storeTimer = Timer.builder("notification.outbox.store")
                .description("One group of whatsapp.outbound messages stored (one statement)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    /** Stores a message from whatsapp.outbound (idempotent by its message id), then wakes the relay. */
    public Uni<Void> accept(OutboundMessage message) {
        var e = message.envelope();
        // one part is one statement (atomic on its own): no transaction round trips on the hot path
        boolean onePart = split(withQuickReplies(message.body(), message.quickReplies())).size() == 1;
        Uni<Boolean> stored = onePart
                ? store(pool, e.messageId(), e.correlationId(), e.userRef(), e.type(), message.to(), message.body(),
                        message.mediaUrls(), message.quickReplies(), message.templateKey(),
                        message.templateVariables(), message.lastInboundAt())
                : pool.withTransaction(c -> store(c, e.messageId(), e.correlationId(), e.userRef(), e.type(),
                        message.to(), message.body(), message.mediaUrls(), message.quickReplies(),
                        message.templateKey(), message.templateVariables(), message.lastInboundAt()));
        return stored.invoke(relay::wake).replaceWithVoid();
    }

    /**
     * Stores a message from whatsapp.outbound together with the others that arrive while the previous group is
     * being written ("group commit": one statement per group, in delivery order, with the inbox records of the
     * consumer {@code consumer}), then wakes the relay. The Uni completes when this message is stored; the caller
     * acknowledges it only then. If a group is refused (a poison message among them), its messages are stored one
     * by one so only the bad one fails.
     */
    public Uni<Void> acceptInGroup(OutboundMessage message, String consumer) {
        return Uni.createFrom().deferred(() -> {
            var pending = new Pending(message, consumer, clock.instant(), new CompletableFuture<>());
            groups.add(pending);
            flushGroup();
            return Uni.createFrom().completionStage(pending.done());
        });
    }

    /** A message waiting for its group's statement; {@code receivedAt} becomes its created time. */
    private record Pending(OutboundMessage message, String consumer, Instant receivedAt,
                           CompletableFuture<Void> done) {
    }

    private void flushGroup() {
        if (!flushing.compareAndSet(false, true)) {
            return; // the running group's completion writes what arrived meanwhile
        }
        var group = new ArrayList<Pending>();
        Pending next;
        while (group.size() < maxGroup && (next = groups.poll()) != null) {
            group.add(next);
        }
        if (group.isEmpty()) {
            flushing.set(false);
            if (!groups.isEmpty()) {
                flushGroup();
            }
            return;
        }
        var now = clock.instant();
        var rows = new ArrayList<NewMessage>();
        var receivedAt = new ArrayList<Instant>();
        for (var p : group) {
            var parts = parts(p.message());
            rows.addAll(parts);
            parts.forEach(part -> receivedAt.add(p.receivedAt()));
        }
        var inboxIds = group.stream().map(p -> p.message().envelope().messageId()).toList();
        // the first message of each idle recipient is stored already claimed, on a lane reserved for it
        int lanes = relay.reserve(rows.size());
        // one consumer feeds this, so every pending message shares its inbox name
        var storing = System.nanoTime();
        outbox.insertAll(rows, receivedAt, inboxIds, group.get(0).consumer(), now, lanes)
                .invoke(() -> storeTimer.record(System.nanoTime() - storing, TimeUnit.NANOSECONDS))
                .onFailure().recoverWithUni(e -> oneByOne(group).replaceWith((OutboxRepository.Stored) null))
                .subscribe().with(stored -> {
                    if (stored != null) {
                        group.forEach(p -> p.done().complete(null));
                        relay.started(stored.claimed());
                        relay.release(lanes - stored.claimed().size());
                        relay.claimNext(stored.queuedRecipients());
                    } else {
                        relay.release(lanes);
                        relay.wake();
                    }
                    flushing.set(false);
                    flushGroup();
                }, failure -> {
                    relay.release(lanes);
                    group.forEach(p -> p.done().completeExceptionally(failure));
                    flushing.set(false);
                    flushGroup();
                });
    }

    /** The group was refused as a whole: each message on its own, in order, each completing its caller. */
    private Uni<Void> oneByOne(List<Pending> group) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var p : group) {
            chain = chain.flatMap(ignored -> accept(p.message())
                    .flatMap(stored -> inbox.record(p.message().envelope().messageId(), p.consumer()))
                    .onItemOrFailure().invoke((item, failure) -> {
                        if (failure == null) {
                            p.done().complete(null);
                        } else {
                            p.done().completeExceptionally(failure);
                        }
                    })
                    .onFailure().recoverWithNull()
                    .replaceWithVoid());
        }
        return chain;
    }

    /** Stores a message this service writes itself (a confirmation, a notification) inside the caller's transaction. */
    public Uni<Boolean> store(SqlClient client, UUID id, String correlationId, String userRef, String kind, String to,
                              String body, List<String> mediaUrls, List<QuickReply> quickReplies,
                              String templateKey, Map<String, String> templateVariables,
                              Instant lastInboundAt) {
        var now = clock.instant();
        // before the commit: if one of theirs is in flight, its finish looks for this one
        relay.expect(to);
        Uni<Boolean> chain = Uni.createFrom().item(false);
        for (var message : parts(id, correlationId, userRef, kind, to, body, mediaUrls, quickReplies, templateKey,
                templateVariables, lastInboundAt)) {
            chain = chain.flatMap(any -> outbox.insert(client, message, now).map(stored -> any || stored));
        }
        return chain;
    }

    private List<NewMessage> parts(OutboundMessage m) {
        var e = m.envelope();
        return parts(e.messageId(), e.correlationId(), e.userRef(), e.type(), m.to(), m.body(), m.mediaUrls(),
                m.quickReplies(), m.templateKey(), m.templateVariables(), m.lastInboundAt());
    }

    /** The rows of one message: a body over Twilio's limit becomes several parts, in order, media on the last. */
    private static List<NewMessage> parts(UUID id, String correlationId, String userRef, String kind, String to,
                                          String body, List<String> mediaUrls, List<QuickReply> quickReplies,
                                          String templateKey, Map<String, String> templateVariables,
                                          Instant lastInboundAt) {
        var texts = split(withQuickReplies(body, quickReplies));
        if (texts.size() == 1 && quickReplies != null && !quickReplies.isEmpty()) {
            // one part: the quick replies are kept apart from the body, and the relay sends them as buttons
            // (inside the window) or as the same numbered text (OutboxRelay, QuickReplyButtons)
            return List.of(new NewMessage(id, correlationId, userRef, kind, to, body, mediaUrls,
                    List.copyOf(quickReplies), templateKey, templateVariables, lastInboundAt));
        }
        var rows = new ArrayList<NewMessage>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            var partId = i == 0 ? id
                    : UUID.nameUUIDFromBytes((id + ":" + i).getBytes(StandardCharsets.UTF_8));
            boolean last = i == texts.size() - 1;
            rows.add(new NewMessage(partId, correlationId, userRef, kind, to, texts.get(i),
                    last ? mediaUrls : List.of(), List.of(), templateKey, templateVariables, lastInboundAt));
        }
        return rows;
    }

    /** Wakes the relay once the caller's transaction committed. */
    public void wakeRelay() {
        relay.wake();
    }

    /**
     * Quick replies as numbered text after the body: what goes out when they cannot be buttons (outside a known-open
     * window, over WhatsApp's button limits, the template could not be created, or a message long enough to be split
     * into parts); the words work everywhere.
     */
    static String withQuickReplies(String body, List<QuickReply> quickReplies) {
        if (quickReplies == null || quickReplies.isEmpty()) {
            return body;
        }
        var text = new StringBuilder(body == null ? "" : body).append("\n");
        for (var q : quickReplies) {
            text.append("\n• ").append(q.title()).append(": reply *").append(q.payload()).append('*');
        }
        return text.toString();
    }

    static List<String> split(String body) {
        if (body == null || body.length() <= MAX_BODY) {
            return Collections.singletonList(body);
        }
        var parts = new ArrayList<String>();
        var rest = body;
        while (rest.length() > MAX_BODY) {
            int cut = rest.lastIndexOf('\n', MAX_BODY);
            if (cut < MAX_BODY / 2) {
                cut = rest.lastIndexOf(' ', MAX_BODY);
            }
            if (cut < MAX_BODY / 2) {
                cut = MAX_BODY;
            }
            parts.add(rest.substring(0, cut).stripTrailing());
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isEmpty()) {
            parts.add(rest);
        }
        return parts;
    }
}
