package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.contact.ContactBook;
import com.flashapp.whatsapp.balance.invite.InviteService;
import com.flashapp.whatsapp.balance.repository.CacheRepository;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountUnlinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountVerifyRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.ContactCommand;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.InviteCommand;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import com.flashapp.whatsapp.balance.wallet.WalletRequests;
import com.flashapp.whatsapp.messaging.MessageHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Handles each message balance-service consumes, once: routes it to the service that owns it. */
@ApplicationScoped
public class IncomingMessageHandler implements MessageHandler {

    private final LinkService linking;
    private final BalanceService balances;
    private final PriceService prices;
    private final LinkRepository links;
    private final CacheRepository cache;
    private final Conversation conversation;
    private final WalletRequests wallet;
    private final ErasureService erasure;
    private final ContactBook contacts;
    private final InviteService invites;

    public IncomingMessageHandler(LinkService linking, BalanceService balances, PriceService prices,
                                  LinkRepository links, CacheRepository cache, Conversation conversation,
                                  WalletRequests wallet, ErasureService erasure, ContactBook contacts,
                                  InviteService invites) {
        this.invites = invites;
        this.erasure = erasure;
        this.contacts = contacts;
        this.linking = linking;
        this.balances = balances;
        this.prices = prices;
        this.links = links;
        this.cache = cache;
        this.conversation = conversation;
        this.wallet = wallet;
    }

    @Override
    public Uni<Void> handle(ContractMessage message) {
        return wallet.remember(message).flatMap(x -> dispatch(message));
    }

    private Uni<Void> dispatch(ContractMessage message) {
        if (message instanceof UserErasureRequested r) {
            return erasure.erase(r);
        }
        if (message instanceof AccountLinkRequest r) {
            return linking.link(r.envelope(), r.whatsapp(), r.locale());
        }
        if (message instanceof AccountVerifyRequest r) {
            return verify(r.envelope(), r.whatsapp(), r.code());
        }
        if (message instanceof AccountUnlinkRequest r) {
            return linking.unlink(r.envelope(), r.whatsapp());
        }
        if (message instanceof BalanceRequest r) {
            return balances.balance(r);
        }
        if (message instanceof PriceRequest r) {
            return prices.price(r);
        }
        if (message instanceof ConfirmationAnswer a) {
            return answer(a);
        }
        if (message instanceof PaymentReceived e) {
            return invalidate(e.envelope(), e.flashAccountId());
        }
        if (message instanceof PaymentSent e) {
            return invalidate(e.envelope(), e.flashAccountId());
        }
        if (message instanceof HistoryRequest r) {
            return wallet.history(r);
        }
        if (message instanceof InvoiceCreateRequest r) {
            return wallet.receive(r);
        }
        if (message instanceof PaymentRequestCommand r) {
            return wallet.paymentRequest(r);
        }
        if (message instanceof PaymentSendRequest r) {
            return wallet.send(r);
        }
        if (message instanceof ContactCommand r) {
            return contacts.handle(r);
        }
        if (message instanceof InviteCommand r) {
            return invites.handle(r);
        }
        if (message instanceof AccountLinked e) {
            return invites.claim(e);
        }
        Log.debugf("Ignoring %s for %s", message.routingKey(), message.envelope().userRef());
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> answer(ConfirmationAnswer answer) {
        var context = answer.context() == null ? "" : answer.context();
        if (LinkService.LINK.equals(context) || context.startsWith(LinkService.MFA_PREFIX)) {
            return verify(answer.envelope(), answer.whatsapp(), answer.answer());
        }
        if (WalletRequests.owns(answer)) {
            return wallet.answer(answer);
        }
        if (InviteService.owns(answer)) {
            return invites.confirm(answer);
        }
        if (ContactBook.owns(answer)) {
            return contacts.answer(answer);
        }
        if (LinkService.UNLINK.equals(context)) {
            return linking.confirmUnlink(answer.envelope(), answer.whatsapp(), answer.answer());
        }
        Log.infof("Ignoring an answer with unknown context for %s", answer.envelope().userRef());
        return Uni.createFrom().voidItem();
    }

    /** A code: after a passed MFA check, the request that waited for it runs now. */
    private Uni<Void> verify(Envelope envelope, String whatsapp, String code) {
        return linking.verify(envelope, whatsapp, code)
                .flatMap(resumed -> resumed == null ? Uni.createFrom().voidItem() : handle(resumed));
    }

    /** Money moved: the cached balance of that user is wrong now. */
    private Uni<Void> invalidate(Envelope envelope, String flashAccountId) {
        if (envelope.userRef() != null) {
            return cache.evictBalance(envelope.userRef());
        }
        if (flashAccountId == null) {
            return Uni.createFrom().voidItem();
        }
        return links.userRefsForAccount(flashAccountId)
                .flatMap(refs -> Multi.createFrom().iterable(refs)
                        .onItem().transformToUniAndConcatenate(cache::evictBalance)
                        .collect().last())
                .replaceWithVoid();
    }
}
