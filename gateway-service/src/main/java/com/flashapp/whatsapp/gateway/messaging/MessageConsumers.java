package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.service.MediaIntakeService;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * The one queue the gateway consumes: {@code gateway.media-store} ({@code MediaStoreRequest} on
 * {@code gateway.media}). A malformed or invalid request is rejected straight to its dead-letter queue (it can never
 * succeed); a Redis failure is requeued, and the quorum queue's delivery limit dead-letters it after the configured
 * attempts. The message is acknowledged only after Redis confirmed the write. No inbox: storing the same request
 * again writes the same value, so a redelivery is harmless.
 */
@ApplicationScoped
public class MessageConsumers {

    public static final String MEDIA_STORE = "media-store";

    private final MediaIntakeService intake;
    private final GatewayMetrics metrics;

    public MessageConsumers(MediaIntakeService intake, GatewayMetrics metrics) {
        this.intake = intake;
        this.metrics = metrics;
    }

    @Incoming(MEDIA_STORE)
    public Uni<Void> onMediaStore(Message<byte[]> message) {
        MediaStoreRequest request;
        try {
            request = MessageCodec.decode(message.getPayload(), MediaStoreRequest.class);
        } catch (MessageCodec.MalformedMessageException e) {
            // the codec's message names the field, never the data
            Log.warnf("Dead-lettering malformed media store request: %s", e.getClass().getSimpleName());
            metrics.mediaRejected("malformed");
            return nack(message, e, false);
        }
        var messageId = request.envelope().messageId();
        return intake.store(request)
                .onItem().transformToUni(ignored -> {
                    metrics.mediaStored();
                    return Uni.createFrom().completionStage(message.ack());
                })
                .onFailure().recoverWithUni(failure -> {
                    if (failure instanceof MediaIntakeService.Rejected rejected) {
                        Log.warnf("Dead-lettering media store request %s: %s", messageId, rejected.reason());
                        metrics.mediaRejected(rejected.reason());
                        return nack(message, failure, false);
                    }
                    Log.warnf("Storing media of %s failed, requeueing: %s", messageId, failure.getClass().getSimpleName());
                    metrics.mediaRequeued();
                    return nack(message, failure, true);
                });
    }

    private static Uni<Void> nack(Message<byte[]> message, Throwable cause, boolean requeue) {
        return Uni.createFrom().completionStage(message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(requeue))));
    }
}
