package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import com.flashapp.whatsapp.notification.repository.OutboxRepository.NewMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Stores outbound messages in the outbox (the only way anything is sent) and wakes the relay after commit.
 * A body longer than Twilio's 1,600 characters is stored as several parts in order.
 */
@ApplicationScoped
public class OutboundService {

    /** Twilio's limit for one message body. */
    static final int MAX_BODY = 1600;

    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final Pool pool;
    private final Clock clock;

    public OutboundService(OutboxRepository outbox, OutboxRelay relay, Pool pool, Clock clock) {
        this.outbox = outbox;
        this.relay = relay;
        this.pool = pool;
        this.clock = clock;
    }

    /** Stores a message from whatsapp.outbound (idempotent by its message id), then wakes the relay. */
    public Uni<Void> accept(OutboundMessage message) {
        return pool.withTransaction(c -> store(c, message.envelope().messageId(), message.envelope().correlationId(),
                        message.envelope().userRef(), message.envelope().type(), message.to(), message.body(),
                        message.mediaUrls(), message.quickReplies(), message.templateKey(),
                        message.templateVariables(), message.lastInboundAt()))
                .invoke(relay::wake)
                .replaceWithVoid();
    }

    /** Stores a message this service writes itself (a confirmation, a notification) inside the caller's transaction. */
    public Uni<Boolean> store(SqlClient client, UUID id, String correlationId, String userRef, String kind, String to,
                              String body, List<String> mediaUrls, List<QuickReply> quickReplies,
                              String templateKey, Map<String, String> templateVariables,
                              Instant lastInboundAt) {
        var now = clock.instant();
        var parts = split(withQuickReplies(body, quickReplies));
        Uni<Boolean> chain = Uni.createFrom().item(false);
        for (int i = 0; i < parts.size(); i++) {
            var partId = i == 0 ? id
                    : UUID.nameUUIDFromBytes((id + ":" + i).getBytes(StandardCharsets.UTF_8));
            boolean last = i == parts.size() - 1;
            var message = new NewMessage(partId, correlationId, userRef, kind, to, parts.get(i),
                    last ? mediaUrls : List.of(), List.of(), templateKey, templateVariables, lastInboundAt);
            chain = chain.flatMap(any -> outbox.insert(client, message, now).map(stored -> any || stored));
        }
        return chain;
    }

    /** Wakes the relay once the caller's transaction committed. */
    public void wakeRelay() {
        relay.wake();
    }

    /**
     * Quick replies as numbered text after the body: session quick-reply buttons need a Twilio Content
     * template per set of buttons, which this service does not create; the words work everywhere.
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
