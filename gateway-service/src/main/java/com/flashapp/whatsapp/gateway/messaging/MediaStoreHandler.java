package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.service.MediaIntakeService;
import com.flashapp.whatsapp.messaging.MessageHandler;
import com.flashapp.whatsapp.messaging.RejectedMessage;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one queue the gateway consumes: {@code gateway.media-store} ({@code MediaStoreRequest} on
 * {@code gateway.media}), through the messaging module. An invalid request is dead-lettered at once (it can never
 * succeed); Redis away is retried in place; the message is acknowledged only after Redis confirmed the write. No
 * inbox (the gateway has no database): storing the same request again writes the same value, so a redelivery is
 * harmless.
 */
@ApplicationScoped
@Identifier(MediaStoreHandler.CONSUMER)
public class MediaStoreHandler implements MessageHandler {

    public static final String CONSUMER = "media-store";

    private final MediaIntakeService intake;
    private final GatewayMetrics metrics;

    public MediaStoreHandler(MediaIntakeService intake, GatewayMetrics metrics) {
        this.intake = intake;
        this.metrics = metrics;
    }

    @Override
    public Uni<Void> handle(ContractMessage message) {
        if (!(message instanceof MediaStoreRequest request)) {
            metrics.mediaRejected("unexpected-type");
            return Uni.createFrom().failure(new RejectedMessage("not a media store request"));
        }
        return intake.store(request)
                .invoke(metrics::mediaStored)
                .onFailure(MediaIntakeService.Rejected.class).transform(failure -> {
                    var reason = ((MediaIntakeService.Rejected) failure).reason();
                    metrics.mediaRejected(reason);
                    return new RejectedMessage(reason);
                })
                .onFailure(f -> !(f instanceof RejectedMessage)).invoke(failure -> metrics.mediaRequeued());
    }
}
