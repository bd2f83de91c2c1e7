package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import com.flashapp.whatsapp.balance.history.HistoryService;
import com.flashapp.whatsapp.balance.payment.SendService;
import com.flashapp.whatsapp.balance.receive.ReceiveService;
import com.flashapp.whatsapp.balance.request.PaymentRequestService;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
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
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The wallet-transaction entry points {@code IncomingMessageHandler} routes to: history, receive, payment
 * requests, send/pay and the answers to send confirmations; plus {@link #remember}, which keeps the contact
 * directory current from every request of a linked user.
 */
@ApplicationScoped
public class WalletRequests {

    private final HistoryService history;
    private final ReceiveService receive;
    private final PaymentRequestService requests;
    private final SendService send;
    private final ContactDirectory directory;

    public WalletRequests(HistoryService history, ReceiveService receive, PaymentRequestService requests,
                          SendService send, ContactDirectory directory) {
        this.history = history;
        this.receive = receive;
        this.requests = requests;
        this.send = send;
        this.directory = directory;
    }

    public Uni<Void> history(HistoryRequest request) {
        return history.history(request);
    }

    public Uni<Void> receive(InvoiceCreateRequest request) {
        return receive.receive(request);
    }

    public Uni<Void> paymentRequest(PaymentRequestCommand command) {
        return requests.handle(command);
    }

    public Uni<Void> send(PaymentSendRequest request) {
        return send.send(request);
    }

    /** Whether a confirmation answer belongs to the wallet transactions (context {@code send:<id>}). */
    public static boolean owns(ConfirmationAnswer answer) {
        return answer.context() != null && answer.context().startsWith(SendService.CONTEXT_PREFIX);
    }

    public Uni<Void> answer(ConfirmationAnswer answer) {
        return send.confirm(answer);
    }

    /**
     * Remembers the WhatsApp address of the sender of any wallet request when they are linked (for payments and
     * requests addressed to their number). Best effort: a failure here never fails the request.
     */
    public Uni<Void> remember(ContractMessage message) {
        String whatsapp = null;
        if (message instanceof AccountLinkRequest r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof AccountVerifyRequest r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof BalanceRequest r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof PriceRequest r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof HistoryRequest r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof InvoiceCreateRequest r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof PaymentRequestCommand r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof PaymentSendRequest r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof ConfirmationAnswer r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof ContactCommand r) {
            whatsapp = r.whatsapp();
        } else if (message instanceof InviteCommand r) {
            whatsapp = r.whatsapp();
        }
        if (whatsapp == null) {
            return Uni.createFrom().voidItem();
        }
        return directory.remember(message.envelope().userRef(), whatsapp).onFailure().recoverWithItem(e -> {
            Log.infof("Contact directory not updated for %s: %s", message.envelope().userRef(), e.toString());
            return null;
        });
    }
}
