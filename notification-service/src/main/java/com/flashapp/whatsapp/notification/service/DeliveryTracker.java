package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.delivery.DeliveryStatus;
import com.flashapp.whatsapp.notification.OutboundState;
import com.flashapp.whatsapp.notification.client.TwilioSender;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import com.flashapp.whatsapp.notification.repository.OutboxRepository.StatusApplied;
import com.flashapp.whatsapp.notification.repository.OutboxRepository.StatusUpdate;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * whatsapp.delivery: applies Twilio status callbacks to the stored message (forward only, so late or repeated
 * callbacks change nothing), measures delivery latency, and turns an asynchronous 63016 (outside the 24-hour
 * window) into a resend as the approved template when the message has one. Callbacks are applied in groups: all that
 * arrived while the previous group was being written go in one transaction (the consumer takes many at once).
 */
@ApplicationScoped
public class DeliveryTracker {

    private final OutboxRepository outbox;
    private final OutboundService outbound;
    private final Pool pool;
    private final NotificationConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final GroupCommit<StatusUpdate, StatusApplied> statuses;

    public DeliveryTracker(OutboxRepository outbox, OutboundService outbound, Pool pool, NotificationConfig config,
                           Clock clock, MeterRegistry registry) {
        this.outbox = outbox;
        this.outbound = outbound;
        this.pool = pool;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.statuses = new GroupCommit<>(outbox::applyStatuses, MAX_GROUP);
    }

    /** The most callbacks in one transaction (the whatsapp-delivery consumer's prefetch). */
    static final int MAX_GROUP = 64;

    public Uni<Void> handle(DeliveryStatus status) {
        if (status.messageSid() == null) {
            Log.warnf("Status %s without MessageSid: ignored", status.envelope().messageId());
            return Uni.createFrom().voidItem();
        }
        var state = OutboundState.fromTwilio(status.status());
        var reportedAt = status.reportedAt() != null ? status.reportedAt() : status.envelope().occurredAt();
        return statuses.add(new StatusUpdate(status.messageSid(), status.to(), status.status(), state,
                        status.errorCode(), status.errorMessage(), reportedAt, clock.instant()))
                .flatMap(applied -> {
                    registry.counter("notification.delivery.status", "status", String.valueOf(status.status()),
                            "applied", String.valueOf(applied.applied())).increment();
                    if (applied.applied() && state == OutboundState.DELIVERED && applied.sentAt() != null) {
                        registry.timer("notification.delivery.latency")
                                .record(Duration.between(applied.sentAt(), reportedAt).abs());
                    }
                    boolean outsideWindow = String.valueOf(TwilioSender.OUTSIDE_WINDOW).equals(status.errorCode())
                            && (state == OutboundState.FAILED || state == OutboundState.UNDELIVERED);
                    if (applied.applied() && outsideWindow && !applied.usedTemplate()) {
                        return resendAsTemplate(applied.messageId());
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Void> resendAsTemplate(UUID messageId) {
        return outbox.find(messageId).flatMap(found -> {
            if (found.isEmpty() || found.get().templateKey() == null
                    || !config.templates().contentSids().containsKey(found.get().templateKey())) {
                Log.infof("Message %s was outside the 24-hour window and has no approved template", messageId);
                return Uni.createFrom().voidItem();
            }
            var m = found.get();
            var id = UUID.nameUUIDFromBytes(("template-fallback:" + messageId).getBytes(StandardCharsets.UTF_8));
            // kind "template": the relay sends it as the approved template whatever it knows of the window
            return pool.withTransaction(c -> outbound.store(c, id, m.correlationId(), m.userRef(), "template",
                            m.to(), m.body(), m.mediaUrls(), m.quickReplies(), m.templateKey(),
                            m.templateVariables(), null)
                            .flatMap(stored -> stored ? outbox.recordTemplateResend(c, messageId, id,
                                    clock.instant()) : Uni.createFrom().voidItem()))
                    .invoke(outbound::wakeRelay)
                    .invoke(() -> registry.counter("notification.sends", "outcome", "template_fallback").increment())
                    .replaceWithVoid();
        });
    }
}
