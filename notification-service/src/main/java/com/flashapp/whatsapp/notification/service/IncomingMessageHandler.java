package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.admin.AdminUserRequest;
import com.flashapp.whatsapp.contracts.delivery.DeliveryStatus;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.notification.PreferencesGet;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.notification.repository.AccountRepository;
import com.flashapp.whatsapp.messaging.MessageHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Handles each message notification-service consumes, once, by handing it to the service that owns it. */
@ApplicationScoped
public class IncomingMessageHandler implements MessageHandler {

    private final OutboundService outbound;
    private final DeliveryTracker delivery;
    private final PaymentNotifier payments;
    private final PreferencesService preferences;
    private final AdminReportService admin;
    private final AccountRepository accounts;
    private final ErasureService erasure;
    private final ConsentService consent;

    public IncomingMessageHandler(OutboundService outbound, DeliveryTracker delivery, PaymentNotifier payments,
                                  PreferencesService preferences, AdminReportService admin,
                                  AccountRepository accounts, ErasureService erasure, ConsentService consent) {
        this.consent = consent;
        this.erasure = erasure;
        this.outbound = outbound;
        this.delivery = delivery;
        this.payments = payments;
        this.preferences = preferences;
        this.admin = admin;
        this.accounts = accounts;
    }

    @Override
    public Uni<Void> handle(ContractMessage message) {
        if (message instanceof OutboundMessage m) {
            return outbound.accept(m);
        } else if (message instanceof DeliveryStatus s) {
            return delivery.handle(s);
        } else if (message instanceof InboundMessage i) {
            return recordInbound(i);
        } else if (message instanceof PaymentReceived p) {
            return payments.received(p);
        } else if (message instanceof PaymentSent p) {
            return payments.sent(p);
        } else if (message instanceof AccountLinked l) {
            return payments.linked(l);
        } else if (message instanceof AccountUnlinked u) {
            return payments.unlinked(u);
        } else if (message instanceof PreferencesUpdate u) {
            return preferences.update(u);
        } else if (message instanceof PreferencesGet g) {
            return preferences.get(g);
        } else if (message instanceof ConfirmationAnswer a) {
            return consent.onAnswer(a);
        } else if (message instanceof AdminStatsRequest r) {
            return admin.stats(r);
        } else if (message instanceof AdminUserRequest r) {
            return admin.user(r);
        } else if (message instanceof UserErasureRequested e) {
            return erasure.erase(e);
        }
        Log.debugf("Nothing to do for %s", message.routingKey());
        return Uni.createFrom().voidItem();
    }

    /** The 24-hour window: when the user last wrote, and to which of our numbers. */
    private Uni<Void> recordInbound(InboundMessage inbound) {
        var userRef = inbound.envelope().userRef();
        if (userRef == null) {
            return Uni.createFrom().voidItem();
        }
        var at = inbound.receivedAt() != null ? inbound.receivedAt() : inbound.envelope().occurredAt();
        return accounts.recordInbound(userRef, at, inbound.to());
    }
}
