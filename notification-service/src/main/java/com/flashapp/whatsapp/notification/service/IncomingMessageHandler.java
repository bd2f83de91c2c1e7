package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.ContractMessage;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Handles each message notification-service consumes, once; sending and notifications plug in here. */
@ApplicationScoped
public class IncomingMessageHandler {

    public Uni<Void> handle(ContractMessage message) {
        Log.debugf("Handled %s for %s", message.routingKey(), message.envelope().userRef());
        return Uni.createFrom().voidItem();
    }
}
