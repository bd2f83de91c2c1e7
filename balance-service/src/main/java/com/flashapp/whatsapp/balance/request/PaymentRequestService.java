package com.flashapp.whatsapp.balance.request;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.contact.ContactBook;
import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import com.flashapp.whatsapp.balance.directory.ContactDirectory.Contact;
import com.flashapp.whatsapp.balance.format.MoneyFormatter;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy;
import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.balance.receive.ReceiveService;
import com.flashapp.whatsapp.balance.request.PaymentRequestRepository.StoredRequest;
import com.flashapp.whatsapp.balance.service.Conversation;
import com.flashapp.whatsapp.balance.service.MfaGuard;
import com.flashapp.whatsapp.balance.service.Phones;
import com.flashapp.whatsapp.balance.wallet.Money;
import com.flashapp.whatsapp.balance.wallet.WalletSupport;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * {@code payment.request}: "request 10 from @bob" / "request $5 from +1876…" creates an invoice for the amount
 * (expiring with the request, {@code wallet.requests.ttl}); when the other person is linked here, they get a
 * message with a "Pay" quick reply ({@code pay <invoice>}) and the invoice, else the requester gets the invoice
 * to forward. Open requests can be listed and cancelled (the invoice itself stays valid at Flash until it
 * expires: Flash has no way to cancel an invoice). A request from a phone number looks the number up only on a
 * verified session ({@code MfaPolicy.Operation.FIND_BY_PHONE}); before that every number gets the code step-up, so
 * "request 5 from +1876…" cannot tell the requester whether a number uses Flash.
 */
@ApplicationScoped
public class PaymentRequestService {

    private final WalletSupport support;
    private final ReceiveService receive;
    private final ContactDirectory directory;
    private final PaymentRequestRepository requests;
    private final Publisher publisher;
    private final MfaGuard guard;
    private final WalletConfig.Requests config;
    private final ContactBook contacts;
    private final Clock clock = Clock.systemUTC();

    public PaymentRequestService(WalletSupport support, ReceiveService receive, ContactDirectory directory,
                                 PaymentRequestRepository requests, Publisher publisher, MfaGuard guard,
                                 WalletConfig config, ContactBook contacts) {
        this.support = support;
        this.contacts = contacts;
        this.receive = receive;
        this.directory = directory;
        this.requests = requests;
        this.publisher = publisher;
        this.guard = guard;
        this.config = config.requests();
    }

    public Uni<Void> handle(PaymentRequestCommand command) {
        var envelope = command.envelope();
        return support.activeLink(envelope, command.whatsapp()).flatMap(link -> {
            if (link == null) {
                return Uni.createFrom().voidItem();
            }
            var action = command.action() == null ? PaymentRequestCommand.Action.CREATE : command.action();
            Uni<Void> work = switch (action) {
                case CREATE -> create(command, link);
                case LIST -> list(command, link);
                case CANCEL -> cancel(command, link);
            };
            return work.onFailure().recoverWithUni(e -> support.failed(envelope, command.whatsapp(), link, e,
                    "Payment request"));
        });
    }

    private Uni<Void> create(PaymentRequestCommand command, Link link) {
        var envelope = command.envelope();
        var whatsapp = command.whatsapp();
        var from = command.from();
        if (command.amount() == null || from == null || from.value() == null || from.value().isBlank()) {
            return support.reply(envelope, whatsapp, "Tell me how much and from whom, e.g. REQUEST 10 FROM @username "
                    + "or REQUEST 5 FROM +1876…");
        }
        if (from.kind() != Recipient.Kind.USERNAME && from.kind() != Recipient.Kind.PHONE) {
            return support.reply(envelope, whatsapp, "I can request money from a Flash username or a phone number, "
                    + "e.g. REQUEST 10 FROM @username.");
        }
        if (from.kind() == Recipient.Kind.PHONE) {
            // Whether a number uses Flash here is the number owner's secret: it is looked up only on a verified
            // session. Before that every number gets the same answer (the code step-up, worded from the
            // requester's session alone); the request is kept and runs after the right code.
            return guard.check(MfaPolicy.Operation.FIND_BY_PHONE, link, clock.instant())
                    .flatMap(decision -> decision.allowed() ? createFor(command, link, null)
                            : support.linking().stepUp(command, whatsapp, link, decision));
        }
        // "request 10 from mom": a saved contact of that name wins over a Flash username; it is asked by its
        // number, under the same rule as a typed number (the step-up keeps the request as typed)
        return contacts.find(link.userRef(), from.value()).flatMap(saved -> saved == null
                ? createFor(command, link, null)
                : guard.check(MfaPolicy.Operation.FIND_BY_PHONE, link, clock.instant())
                .flatMap(decision -> decision.allowed()
                        ? createFor(new PaymentRequestCommand(envelope, whatsapp, command.action(), command.amount(),
                                new Recipient(Recipient.Kind.PHONE, saved.phone()), command.memo(), command.index()),
                                link, ContactBook.label(saved))
                        : support.linking().stepUp(command, whatsapp, link, decision)));
    }

    /** Looks the payer up, creates the invoice, stores the request and tells the payer (when linked) and requester. */
    private Uni<Void> createFor(PaymentRequestCommand command, Link link, String contactLabel) {
        var envelope = command.envelope();
        var whatsapp = command.whatsapp();
        var from = command.from();
        Uni<Contact> contact = from.kind() == Recipient.Kind.USERNAME
                ? directory.byUsername(stripAt(from.value()))
                : directory.byPhone(from.value().startsWith("+") ? from.value().strip() : "+" + from.value().strip());
        // the stored request keeps the masked number, never a contact's name; the replies say the name
        var label = from.kind() == Recipient.Kind.USERNAME ? "@" + stripAt(from.value()).toLowerCase(Locale.ROOT)
                : Phones.mask(from.value());
        var shown = contactLabel != null ? contactLabel : label;
        var locale = support.locale(link);
        var now = clock.instant();
        var minutes = (int) Math.max(1, config.ttl().toMinutes());
        return contact.flatMap(other -> {
            if (other != null && other.userRef().equals(link.userRef())
                    || from.kind() == Recipient.Kind.USERNAME && link.username() != null
                    && link.username().equalsIgnoreCase(stripAt(from.value()))) {
                return support.reply(envelope, whatsapp, "You can't request money from yourself.");
            }
            var memo = "Request from " + (link.username() == null ? "a Flash user" : "@" + link.username())
                    + (command.memo() == null || command.memo().isBlank() ? "" : ": " + command.memo().strip());
            return receive.create(envelope, whatsapp, link, command.amount(), memo, minutes).flatMap(created -> {
                if (created == null) {
                    return Uni.createFrom().voidItem();
                }
                var quote = created.quote();
                var invoice = created.invoice().paymentRequest();
                var stored = new StoredRequest(UUID.randomUUID(), link.userRef(), "OPEN", quote.minor(),
                        quote.kind() == Money.Kind.SATS ? "SATS" : "USD", label, other != null, blankToNull(command.memo()),
                        invoice, now, now.plus(config.ttl()));
                var amount = quote.asSaid();
                Uni<Void> notify = other == null ? Uni.createFrom().voidItem()
                        : notifyPayer(envelope, other, link, amount, command.memo(), invoice, locale);
                var text = other != null
                        ? "✅ I've asked " + shown + " for " + amount + ". They can pay it right here on WhatsApp. The "
                        + "request expires in " + hours(minutes) + ". The invoice is below if you also want to share it."
                        : shown + " isn't using Flash on WhatsApp here, so forward them the QR code or the invoice "
                        + "below. It asks for "
                        + amount + " and expires in " + hours(minutes) + ".";
                // an unlinked payer gets the invoice forwarded by the requester: give them the QR code too
                Uni<List<String>> qr = other != null ? Uni.createFrom().item(List.of())
                        : receive.qrCode(envelope, created);
                return requests.save(stored)
                        .flatMap(x -> notify)
                        .flatMap(x -> qr)
                        .flatMap(urls -> support.conversation().reply(envelope, whatsapp, text, urls,
                                Conversation.quick("requests", "My requests")))
                        .flatMap(x -> support.reply(envelope, whatsapp, invoice));
            });
        });
    }

    /** A message to the payer (another linked user): the request, a Pay quick reply, then the invoice. */
    private Uni<Void> notifyPayer(Envelope request, Contact payer, Link requester, String amount, String memo,
                                  String invoice, Locale locale) {
        var who = requester.username() == null ? "A Flash user" : "@" + requester.username();
        var body = "💸 " + who + " is asking you for " + amount
                + (memo == null || memo.isBlank() ? "" : " (" + memo.strip() + ")")
                + ". Tap Pay to see the payment and confirm it, or ignore this message.";
        var envelope = Envelope.create(RoutingKeys.Outbound.NOTIFICATION, request.correlationId(),
                payer.userRef());
        var message = new OutboundMessage(envelope, payer.whatsapp(), body, List.of(),
                List.of(Conversation.quick("pay " + invoice, "Pay " + shortAmount(amount))), null, Map.of(), null);
        var invoiceEnvelope = Envelope.create(RoutingKeys.Outbound.NOTIFICATION, request.correlationId(),
                payer.userRef());
        var invoiceMessage = new OutboundMessage(invoiceEnvelope, payer.whatsapp(), invoice, List.of(), List.of(), null,
                Map.of(), null);
        Log.infof("Payment request from %s delivered to %s", requester.userRef(), payer.userRef());
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, message)
                .flatMap(x -> publisher.publish(Exchanges.WHATSAPP_OUTBOUND, invoiceMessage));
    }

    private Uni<Void> list(PaymentRequestCommand command, Link link) {
        var locale = support.locale(link);
        return requests.open(link.userRef(), clock.instant(), config.listLimit()).flatMap(open -> {
            if (open.isEmpty()) {
                return support.reply(command.envelope(), command.whatsapp(), "You have no open payment requests. "
                        + "Create one with REQUEST 10 FROM @username.");
            }
            var text = new StringBuilder("📋 *Your open payment requests*\n");
            for (int i = 0; i < open.size(); i++) {
                var r = open.get(i);
                text.append('\n').append(i + 1).append(". ").append(amount(r, locale)).append(" from ")
                        .append(r.counterparty()).append(r.memo() == null ? "" : " — " + r.memo())
                        .append(" (expires ").append(support.formatter().time(r.expiresAt(), locale)).append(')');
            }
            text.append("\n\nReply REQUEST CANCEL <number> to cancel one.");
            return support.reply(command.envelope(), command.whatsapp(), text.toString());
        });
    }

    private Uni<Void> cancel(PaymentRequestCommand command, Link link) {
        var index = command.index();
        var locale = support.locale(link);
        return requests.open(link.userRef(), clock.instant(), config.listLimit()).flatMap(open -> {
            if (index == null || index < 1 || index > open.size()) {
                return support.reply(command.envelope(), command.whatsapp(), open.isEmpty()
                        ? "You have no open payment requests to cancel."
                        : "Reply REQUEST CANCEL <number>, with a number from 1 to " + open.size()
                        + " (REQUESTS shows them).");
            }
            var r = open.get(index - 1);
            return requests.cancel(r.id(), link.userRef()).flatMap(done -> support.reply(command.envelope(),
                    command.whatsapp(), "Cancelled your request for " + amount(r, locale) + " from " + r.counterparty()
                            + ". If they already have the invoice, it can still be paid until "
                            + support.formatter().time(r.expiresAt(), locale) + "."));
        });
    }

    private static String amount(StoredRequest r, Locale locale) {
        return "SATS".equals(r.unit()) ? MoneyFormatter.sats(r.amountMinor(), locale) : Money.usd(r.amountMinor(), locale);
    }

    private static String shortAmount(String amount) {
        return amount.length() <= 16 ? amount : amount.substring(0, 16);
    }

    private static String hours(int minutes) {
        return minutes % 60 == 0 ? (minutes / 60) + (minutes == 60 ? " hour" : " hours") : minutes + " minutes";
    }

    private static String stripAt(String value) {
        var v = value.strip();
        return v.startsWith("@") ? v.substring(1) : v;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
