package com.flashapp.whatsapp.balance.payment;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.bridge.EmittedTransactions;
import com.flashapp.whatsapp.balance.client.FlashClient;
import com.flashapp.whatsapp.balance.client.FlashModels.Me;
import com.flashapp.whatsapp.balance.client.FlashModels.Wallet;
import com.flashapp.whatsapp.balance.client.FlashUnauthenticatedException;
import com.flashapp.whatsapp.balance.client.FlashWalletClient;
import com.flashapp.whatsapp.balance.client.WalletModels.PaymentOutcome;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.contact.ContactBook;
import com.flashapp.whatsapp.balance.contact.SavedContactRepository.SavedContact;
import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import com.flashapp.whatsapp.balance.format.MoneyFormatter;
import com.flashapp.whatsapp.balance.invite.InviteService;
import com.flashapp.whatsapp.balance.lnurl.LnurlPay;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy;
import com.flashapp.whatsapp.balance.payment.PaymentIntent.Kind;
import com.flashapp.whatsapp.balance.payment.PaymentIntent.Status;
import com.flashapp.whatsapp.balance.repository.CacheRepository;
import com.flashapp.whatsapp.balance.service.Conversation;
import com.flashapp.whatsapp.balance.service.MfaGuard;
import com.flashapp.whatsapp.balance.service.Phones;
import com.flashapp.whatsapp.balance.wallet.Money;
import com.flashapp.whatsapp.balance.wallet.WalletSupport;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * {@code payment.send} ("send 5 to @bob", "send 1000 sats to +1876…", "pay lnbc…", "send 5 to bob@flashapp.me"):
 * resolve the recipient, apply the {@link RiskRules} (a fresh code first when they say so), show a confirmation
 * card and wait for YES ({@code confirmation} expectation, context {@code send:<intent id>}), then send once with
 * the intent id as Flash's {@code idempotencyKey}. Every outcome is audited; a sent payment publishes
 * {@code payment.sent} through the outbox, once per Flash transaction.
 */
@ApplicationScoped
public class SendService {

    /** Context prefix of the confirmation expectation. */
    public static final String CONTEXT_PREFIX = "send:";

    private static final Set<String> YES = Set.of("YES", "Y", "OK", "OKAY", "CONFIRM", "SEND", "PAY", "SURE", "YEP",
            "YEAH");

    /**
     * Where the money goes, as resolved. {@code shownAs} is the saved contact it was named by ("Mom
     * (+1876***0123)"), shown on the card only: the stored intent and audit keep {@code label}, never the name.
     */
    record Target(Kind kind, String recipientKind, String label, String key, String counterparty, long invoiceSats,
                  String shownAs) {
        Target(Kind kind, String recipientKind, String label, String key, String counterparty, long invoiceSats) {
            this(kind, recipientKind, label, key, counterparty, invoiceSats, null);
        }

        Target shownAs(String contact) {
            return new Target(kind, recipientKind, label, key, counterparty, invoiceSats, contact);
        }

        /** The card's "To:" line. */
        String toLine() {
            if (shownAs == null) {
                return label;
            }
            return "USERNAME".equals(recipientKind) ? shownAs + ", " + label : shownAs;
        }
    }

    /** A payment without an idempotency key at Flash that was already handed to Flash once. */
    static final class AlreadyAttempted extends RuntimeException {
        AlreadyAttempted() {
            super("already attempted", null, false, false);
        }
    }

    /** A recipient that cannot be paid: {@code getMessage()} is the answer for the user. */
    static final class Refusal extends RuntimeException {
        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    private final WalletSupport support;
    private final FlashClient account;
    private final FlashWalletClient flash;
    private final ContactDirectory directory;
    private final Money money;
    private final RiskRules risk;
    private final PaymentRepository payments;
    private final EmittedTransactions emitted;
    private final CacheRepository cache;
    private final LnurlPay lnurl;
    private final MfaGuard guard;
    private final WalletConfig config;
    private final ContactBook contacts;
    private final InviteService invites;
    private final Clock clock = Clock.systemUTC();

    public SendService(WalletSupport support, FlashClient account, FlashWalletClient flash, ContactDirectory directory,
                       Money money, RiskRules risk, PaymentRepository payments, EmittedTransactions emitted,
                       CacheRepository cache, LnurlPay lnurl, MfaGuard guard, WalletConfig config,
                       ContactBook contacts, InviteService invites) {
        this.contacts = contacts;
        this.invites = invites;
        this.support = support;
        this.account = account;
        this.flash = flash;
        this.directory = directory;
        this.money = money;
        this.risk = risk;
        this.payments = payments;
        this.emitted = emitted;
        this.cache = cache;
        this.lnurl = lnurl;
        this.guard = guard;
        this.config = config;
    }

    // ------------------------------------------------------------------ the request

    public Uni<Void> send(PaymentSendRequest request) {
        var envelope = request.envelope();
        var whatsapp = request.whatsapp();
        return support.activeLink(envelope, whatsapp).flatMap(link -> {
            if (link == null) {
                return Uni.createFrom().voidItem();
            }
            if (request.to() == null || request.to().value() == null || request.to().value().isBlank()) {
                return support.reply(envelope, whatsapp, "Who should I pay? For example: SEND 5 TO @username, "
                        + "or PAY followed by a Lightning invoice.");
            }
            if (request.to().kind() == Recipient.Kind.PHONE) {
                // Whether a number has Flash is the number owner's secret: it is looked up only on a verified
                // session. Before that every number gets the same answer (the code step-up, worded from the
                // sender's session alone), so "send 1 to +1876…" cannot be used to probe numbers.
                return guard.check(MfaPolicy.Operation.FIND_BY_PHONE, link, clock.instant())
                        .flatMap(decision -> decision.allowed() ? go(request, link, null)
                                : support.linking().stepUp(request, whatsapp, link, decision));
            }
            if (request.to().kind() == Recipient.Kind.USERNAME) {
                // "send 5 to mom": a saved contact of that name wins over a Flash username (the card shows which);
                // it is paid by its number, under the same rule as a typed number. The step-up keeps the request
                // as typed, so after the code the name is read again.
                return contacts.find(link.userRef(), request.to().value()).flatMap(contact -> contact == null
                        ? go(request, link, null)
                        : guard.check(MfaPolicy.Operation.FIND_BY_PHONE, link, clock.instant())
                        .flatMap(decision -> decision.allowed()
                                ? go(new PaymentSendRequest(request.envelope(), whatsapp, request.amount(),
                                        new Recipient(Recipient.Kind.PHONE, contact.phone()), request.memo()), link,
                                        contact)
                                : support.linking().stepUp(request, whatsapp, link, decision)));
            }
            return go(request, link, null);
        });
    }

    /** Resolves the recipient, then the amount, the risk rules and the confirmation card. */
    private Uni<Void> go(PaymentSendRequest request, Link link, SavedContact contact) {
        var envelope = request.envelope();
        var whatsapp = request.whatsapp();
        var locale = support.locale(link);
        var token = support.token(link);
        return account.me(token)
                .flatMap(me -> resolve(request, link, me, contact).flatMap(target -> prepare(request, link, me, target,
                        locale)))
                .onFailure(Refusal.class).recoverWithUni(e -> support.reply(envelope, whatsapp, e.getMessage()))
                .onFailure().recoverWithUni(e -> support.failed(envelope, whatsapp, link, e, "Send"));
    }

    private Uni<Target> resolve(PaymentSendRequest request, Link link, Me me, SavedContact saved) {
        var to = request.to();
        var value = to.value().strip();
        var currency = request.amount() != null && isSats(request.amount().unit()) ? "BTC" : "USD";
        var kind = "BTC".equals(currency) ? Kind.INTRA_SATS : Kind.INTRA_USD;
        return switch (to.kind()) {
            case LIGHTNING_INVOICE -> invoice(value, request.amount());
            case USERNAME -> username(value.startsWith("@") ? value.substring(1) : value, me, currency, kind);
            case LIGHTNING_ADDRESS -> {
                var at = value.indexOf('@');
                var domain = at < 0 ? "" : value.substring(at + 1).toLowerCase(Locale.ROOT);
                var domains = List.of(config.receive().lightningDomain().toLowerCase(Locale.ROOT));
                if (at > 0 && domains.contains(domain)) {
                    yield username(value.substring(0, at), me, currency, kind);
                }
                yield outsideAddress(value, request.amount(), support.locale(link));
            }
            case PHONE -> directory.byPhone(value.startsWith("+") ? value : "+" + value).flatMap(contact -> {
                if (contact == null) {
                    // nobody linked this number: an invite, paid when it links (the key is the number, for the card)
                    var phone = value.startsWith("+") ? value : "+" + value;
                    var invite = new Target(kind, InviteService.RECIPIENT_KIND, Phones.mask(phone), phone, null, 0);
                    return Uni.createFrom().item(saved == null ? invite : invite.shownAs(ContactBook.label(saved)));
                }
                if (contact.userRef().equals(link.userRef())) {
                    return Uni.createFrom().failure(new Refusal("You can't send money to yourself."));
                }
                if (contact.username() != null) {
                    return username(contact.username(), me, currency, kind)
                            .map(t -> saved == null ? t : t.shownAs(ContactBook.label(saved)));
                }
                if (contact.defaultWalletId() == null) {
                    return Uni.createFrom().failure(new Refusal("I can't find a wallet for " + Phones.mask(value)
                            + ". Ask them for their Flash username."));
                }
                var target = new Target(kind, "PHONE", Phones.mask(value), contact.defaultWalletId(), null, 0);
                return Uni.createFrom().item(saved == null ? target : target.shownAs(ContactBook.label(saved)));
            });
            case WALLET_ID -> ownWallet(me, value) ? Uni.createFrom().failure(new Refusal("You can't send money to "
                    + "yourself.")) : Uni.createFrom().item(new Target(kind, "WALLET_ID", "wallet " + shortId(value),
                    value, null, 0));
        };
    }

    private Uni<Target> invoice(String value, Amount amount) {
        var invoice = Bolt11Amount.normalise(value);
        if (invoice == null) {
            return Uni.createFrom().failure(new Refusal("That doesn't look like a Lightning invoice. It should start "
                    + "with lnbc."));
        }
        var sats = Bolt11Amount.sats(invoice);
        if (sats.isEmpty() || sats.getAsLong() <= 0) {
            if (amount == null) {
                return Uni.createFrom().failure(new Refusal("This invoice has no amount: send `pay <invoice> 5` or "
                        + "`pay <invoice> 1000 sats`."));
            }
            // the payer chooses the amount: sats go from the Bitcoin wallet, money amounts from the Cash wallet
            return Uni.createFrom().item(new Target(isSats(amount.unit()) ? Kind.NOAMOUNT_SATS : Kind.NOAMOUNT_USD,
                    "LIGHTNING_INVOICE", "invoice " + Bolt11Amount.shortForm(invoice), invoice, null, 0));
        }
        return Uni.createFrom().item(new Target(Kind.INVOICE, "LIGHTNING_INVOICE", "invoice "
                + Bolt11Amount.shortForm(invoice), invoice, null, sats.getAsLong()));
    }

    /**
     * A Lightning address of another wallet: the amount in sats, then an invoice for exactly that from its
     * LNURL-pay endpoint; the card and the payment treat it as that invoice (paid with an idempotency key).
     */
    private Uni<Target> outsideAddress(String address, Amount amount, Locale locale) {
        if (!LnurlPay.isAddress(address)) {
            return Uni.createFrom().failure(new Refusal("\"" + address + "\" isn't a Lightning address. It looks "
                    + "like name@wallet.com."));
        }
        if (amount == null) {
            return Uni.createFrom().failure(new Refusal("How much? For example: SEND 5 TO " + address + " or SEND "
                    + "1000 SATS TO " + address + "."));
        }
        var shown = address.toLowerCase(Locale.ROOT);
        return money.quote(amount, locale)
                .flatMap(q -> q.kind() == Money.Kind.SATS ? Uni.createFrom().item(q.minor())
                        : money.usdCentsToSats(q.usdCents()))
                .flatMap(sats -> lnurl.invoice(shown, sats, locale)
                        .map(invoice -> new Target(Kind.INVOICE, "LIGHTNING_ADDRESS", shown, invoice, null, sats)))
                .onFailure(LnurlPay.Refused.class).transform(e -> new Refusal(e.getMessage()))
                .onFailure(e -> e instanceof LnurlPay.Unreachable || e instanceof CircuitBreakerOpenException)
                .transform(e -> {
                    Log.infof("LNURL-pay of %s unreachable: %s", shown.substring(shown.lastIndexOf('@') + 1),
                            e.getMessage());
                    return new Refusal("I couldn't reach " + shown.substring(shown.lastIndexOf('@') + 1)
                            + " to pay " + shown + ". Please check the address, or try again later. Nothing was sent.");
                });
    }

    private Uni<Target> username(String name, Me me, String currency, Kind kind) {
        var username = name.strip().toLowerCase(Locale.ROOT);
        if (!username.matches("[\\p{L}0-9_]{3,50}")) {
            return Uni.createFrom().failure(new Refusal("\"" + name + "\" isn't a Flash username. Usernames have 3 to "
                    + "50 letters, digits or _."));
        }
        if (me.username() != null && me.username().equalsIgnoreCase(username)) {
            return Uni.createFrom().failure(new Refusal("You can't send money to yourself."));
        }
        return flash.walletOf(username, currency).flatMap(wallet -> {
            if (wallet == null) {
                return Uni.createFrom().failure(new Refusal("I couldn't find a Flash user @" + username
                        + ". Please check the username."));
            }
            if (ownWallet(me, wallet.id())) {
                return Uni.createFrom().failure(new Refusal("You can't send money to yourself."));
            }
            return Uni.createFrom().item(new Target(kind, "USERNAME", "@" + username, wallet.id(), username, 0));
        });
    }

    private Uni<Void> prepare(PaymentSendRequest request, Link link, Me me, Target target, Locale locale) {
        var envelope = request.envelope();
        var whatsapp = request.whatsapp();
        Uni<Money.Quote> quote;
        if (target.kind() == Kind.INVOICE) {
            quote = money.satsToUsdCents(target.invoiceSats()).map(cents -> new Money.Quote(Money.Kind.SATS,
                    target.invoiceSats(), cents, MoneyFormatter.sats(target.invoiceSats(), locale)));
        } else if (request.amount() == null) {
            return support.reply(envelope, whatsapp, "How much? For example: SEND 5 TO " + target.label() + ".");
        } else {
            quote = money.quote(request.amount(), locale);
        }
        return quote.flatMap(q -> {
            var wallet = target.kind() == Kind.INTRA_SATS || target.kind() == Kind.NOAMOUNT_SATS
                    ? wallet(me, "BTC") : wallet(me, "USD");
            if (wallet == null && target.kind() == Kind.INVOICE) {
                wallet = wallet(me, "BTC");
            }
            if (wallet == null) {
                return support.reply(envelope, whatsapp, target.kind() == Kind.INTRA_SATS
                        || target.kind() == Kind.NOAMOUNT_SATS
                        ? "Your Flash account has no Bitcoin wallet to send sats from. Send dollars instead, e.g. "
                        + "SEND 5 TO " + target.label() + "."
                        : "Your Flash account has no Cash wallet to send from.");
            }
            var now = clock.instant();
            var from = wallet;
            return risk.evaluate(link, target.key(), q.usdCents(), envelope.occurredAt(), now).flatMap(verdict ->
                    switch (verdict.outcome()) {
                        case REFUSE -> refuse(request, link, target, q, verdict.reason(), locale, now);
                        case STEP_UP -> support.linking().stepUp(request, whatsapp, link, verdict.decision());
                        case ALLOW -> card(request, link, target, q, from, locale, now);
                    });
        });
    }

    private Uni<Void> refuse(PaymentSendRequest request, Link link, Target target, Money.Quote q, String reason,
                             Locale locale, Instant now) {
        var send = config.send();
        var text = "over_payment_limit".equals(reason)
                ? "That's above the limit of " + Money.usd(send.maxPerPaymentCents(), locale) + " per payment on "
                + "WhatsApp. Use the Flash app for larger amounts."
                : "That would take you over the daily limit of " + Money.usd(send.maxPerDayCents(), locale)
                + " on WhatsApp. Try a smaller amount, or use the Flash app.";
        return payments.pool().withTransaction(tx -> payments.audit(tx, link.userRef(), null, "SEND", target.label(),
                        q.minor(), q.kind().name(), q.usdCents(), "REFUSED", reason, null, now))
                .flatMap(x -> support.reply(request.envelope(), request.whatsapp(), text));
    }

    private Uni<Void> card(PaymentSendRequest request, Link link, Target target, Money.Quote q, Wallet from,
                           Locale locale, Instant now) {
        if (InviteService.RECIPIENT_KIND.equals(target.recipientKind())) {
            return amountLine(q, locale).flatMap(amount -> invites.offer(request, link, target.key(),
                    target.toLine(), target.kind(), q, amount, from.id(), from.currency(), locale, now));
        }
        return fee(link, target, q, from, locale).flatMap(fee -> fee.refusal() != null
                ? payments.pool().withTransaction(tx -> payments.audit(tx, link.userRef(), null, "SEND",
                        target.label(), q.minor(), q.kind().name(), q.usdCents(), "REFUSED", "fee_probe:"
                                + fee.refusalCode(), null, now))
                .flatMap(x -> support.reply(request.envelope(), request.whatsapp(), fee.refusal()))
                : card(request, link, target, q, from, locale, now, fee));
    }

    private Uni<Void> card(PaymentSendRequest request, Link link, Target target, Money.Quote q, Wallet from,
                           Locale locale, Instant now, Fee fee) {
        var envelope = request.envelope();
        var ttl = config.send().confirmationTtl();
        var intent = new PaymentIntent(UUID.randomUUID(), link.userRef(), Status.PENDING, target.kind(), from.id(),
                from.currency(), target.recipientKind(), target.label(), target.key(), q.minor(), q.usdCents(),
                memo(request.memo()), null, now, now.plus(ttl));
        return amountLine(q, locale).flatMap(amount -> {
            var text = "💸 *Please confirm this payment*\n\nTo: " + target.toLine() + "\nAmount: " + amount
                    + "\nFee: " + fee.text()
                    + "\nFrom: your " + ("BTC".equals(from.currency()) ? "Bitcoin" : "Cash (USD)") + " wallet"
                    + (intent.memo() == null ? "" : "\nNote: " + intent.memo())
                    + "\n\nReply YES within " + minutes(ttl) + " to send it, or NO to cancel.";
            return payments.create(intent)
                    .flatMap(x -> payments.pool().withTransaction(tx -> payments.audit(tx, link.userRef(), intent.id(),
                            "SEND", target.label(), q.minor(), q.kind().name(), q.usdCents(), "CONFIRMATION_ASKED",
                            null, null, fee.minor(), fee.unit(), now)))
                    .flatMap(x -> support.conversation().expect(envelope, RoutingKeys.Expect.CONFIRMATION,
                            intent.id().toString(), CONTEXT_PREFIX + intent.id(), List.of("YES", "NO"),
                            intent.expiresAt()))
                    .flatMap(x -> support.reply(envelope, request.whatsapp(), text, Conversation.quick("YES", "Yes, send"),
                            Conversation.quick("NO", "No, cancel")));
        });
    }

    /** A card's amount: as said, and in the other unit ("$5.00 (≈ 5,000 sats)", "1,000 sats (≈ $0.60)"). */
    private Uni<String> amountLine(Money.Quote q, Locale locale) {
        return money.usdCentsToSats(q.usdCents()).map(sats -> {
            var amount = new StringBuilder(q.asSaid());
            if (q.kind() == Money.Kind.SATS) {
                amount.append(" (≈ ").append(Money.usd(q.usdCents(), locale)).append(')');
            } else {
                if (!q.asSaid().equals(Money.usd(q.usdCents(), locale))) {
                    amount.append(" = ").append(Money.usd(q.usdCents(), locale));
                }
                amount.append(" (≈ ").append(MoneyFormatter.sats(sats, locale)).append(')');
            }
            return amount.toString();
        });
    }

    /**
     * The card's fee line. Flash to Flash: none. Lightning: Flash's fee probe for this wallet and invoice (and the
     * amount, for a no-amount invoice), in the wallet's unit and in dollars. A probe that fails or times out never
     * blocks the payment (the card says a fee may apply, logged at warn); a probe refusal that means the payment
     * cannot succeed (not enough money for amount + fee, an expired / paid / own / invalid invoice) is answered
     * instead of the card.
     */
    private Uni<Fee> fee(Link link, Target target, Money.Quote q, Wallet from, Locale locale) {
        if (!lightning(target.kind())) {
            return Uni.createFrom().item(Fee.INTRA_LEDGER);
        }
        var btc = "BTC".equals(from.currency());
        var unit = btc ? "SATS" : "USD";
        var amount = target.kind() == Kind.INVOICE ? null : q.minor();
        return flash.feeProbe(support.token(link), from.id(), btc ? "BTC" : "USD", target.key(), amount)
                .flatMap(probe -> {
                    if (probe.fee() != null) {
                        long minor = probe.fee();
                        if (minor == 0) {
                            return Uni.createFrom().item(new Fee("none", 0L, unit, null, null));
                        }
                        return btc
                                ? money.satsToUsdCents(minor).map(cents -> new Fee(MoneyFormatter.sats(minor, locale)
                                + " (≈ " + Money.usd(cents, locale) + ")", minor, unit, null, null))
                                : Uni.createFrom().item(new Fee(Money.usd(minor, locale), minor, unit, null, null));
                    }
                    var refusal = probeRefusal(probe.errorCode(), probe.errorMessage(), btc, q.asSaid());
                    if (refusal != null) {
                        Log.infof("Fee probe for a payment of %s: Flash says it cannot succeed (%s)", link.userRef(),
                                probe.errorCode());
                        return Uni.createFrom().item(new Fee(null, null, null, refusal, probe.errorCode()));
                    }
                    Log.warnf("Fee probe for a payment of %s refused (%s); the card shows no fee", link.userRef(),
                            probe.errorCode());
                    return Uni.createFrom().item(Fee.UNKNOWN);
                })
                .onFailure(e -> !(e instanceof FlashUnauthenticatedException)).recoverWithItem(e -> {
                    Log.warnf("Fee probe for a payment of %s failed (%s); the card shows no fee", link.userRef(),
                            e.toString());
                    return Fee.UNKNOWN;
                });
    }

    /** The answer for a fee probe refusal that means the payment cannot succeed; null for any other refusal. */
    private static String probeRefusal(String errorCode, String errorMessage, boolean btc, String amount) {
        var code = errorCode == null ? "" : errorCode.toUpperCase(Locale.ROOT);
        var message = errorMessage == null ? "" : errorMessage.toLowerCase(Locale.ROOT);
        if (code.equals("INSUFFICIENT_BALANCE") || message.contains("balance is too low")
                || message.contains("exceeds balance")) {
            return "❌ Not enough money in your " + (btc ? "Bitcoin" : "Cash") + " wallet for " + amount
                    + " plus the Lightning network fee. Nothing was sent. Reply BALANCE to check it.";
        }
        if (message.contains("expired")) {
            return "⌛ That invoice has expired. Ask for a new one. Nothing was sent.";
        }
        if (message.contains("already paid") || code.equals("ALREADY_PAID")) {
            return "That invoice has already been paid, so I didn't pay it again. Nothing was sent.";
        }
        if (code.equals("CANT_PAY_SELF")) {
            return "That's your own invoice: you can't pay yourself. Nothing was sent.";
        }
        if (code.equals("INVOICE_DECODE_ERROR")) {
            return "That invoice isn't valid. Please check it and try again. Nothing was sent.";
        }
        return null;
    }

    /** The card's fee line and what the audit keeps of it; {@code refusal} set = no card, that answer instead. */
    record Fee(String text, Long minor, String unit, String refusal, String refusalCode) {
        static final Fee INTRA_LEDGER = new Fee("none (Flash to Flash)", null, null, null, null);
        static final Fee UNKNOWN = new Fee("a small Lightning network fee may apply", null, null, null, null);
    }

    // ------------------------------------------------------------------ the answer

    /** The answer to a confirmation card (context {@code send:<intent id>}). */
    public Uni<Void> confirm(ConfirmationAnswer answer) {
        var envelope = answer.envelope();
        var whatsapp = answer.whatsapp();
        var id = Conversation.contextId(answer, CONTEXT_PREFIX);
        if (id == null) {
            return Uni.createFrom().voidItem();
        }
        var now = clock.instant();
        var userRef = envelope.userRef();
        var yes = yes(answer.answer());
        if (!yes) {
            return payments.close(id, userRef, Status.DECLINED, now).flatMap(changed -> !changed
                    ? notSendable(envelope, whatsapp, id, now)
                    : payments.find(id, userRef).flatMap(intent -> payments.pool().withTransaction(tx ->
                            payments.audit(tx, userRef, id, "SEND", intent.recipientLabel(), intent.amountMinor(),
                                    intent.walletCurrency(), intent.usdCents(), "DECLINED", "user_said_no", null, now)))
                    .flatMap(x -> support.reply(envelope, whatsapp, "OK, cancelled. Nothing was sent.")));
        }
        return support.activeLink(envelope, whatsapp).flatMap(link -> {
            if (link == null) {
                return payments.close(id, userRef, Status.DECLINED, now).replaceWithVoid();
            }
            return payments.claim(id, userRef, now).flatMap(intent -> intent == null
                    ? notSendable(envelope, whatsapp, id, now)
                    : execute(envelope, whatsapp, link, intent));
        });
    }

    /** Whether an answer to a card is a yes ("YES", "ok", "send", …). */
    public static boolean yes(String answer) {
        return answer != null && YES.contains(answer.strip().toUpperCase(Locale.ROOT));
    }

    private Uni<Void> notSendable(Envelope envelope, String whatsapp, UUID id, Instant now) {
        var userRef = envelope.userRef();
        return payments.find(id, userRef).flatMap(intent -> {
            if (intent == null) {
                return support.reply(envelope, whatsapp, "I don't have that payment any more. Nothing was sent.");
            }
            return switch (intent.status()) {
                case PENDING, EXPIRED -> payments.close(id, userRef, Status.EXPIRED, now)
                        .flatMap(changed -> !changed ? Uni.createFrom().voidItem()
                                : payments.pool().withTransaction(tx -> payments.audit(tx, userRef, id, "SEND",
                                intent.recipientLabel(), intent.amountMinor(), intent.walletCurrency(),
                                intent.usdCents(), "EXPIRED", "no_yes_within_" + minutes(config.send()
                                        .confirmationTtl()), null, now)))
                        .flatMap(x -> support.reply(envelope, whatsapp, "⌛ That confirmation expired, so nothing was "
                                + "sent. Send the command again if you still want to pay."));
                case SENT -> support.reply(envelope, whatsapp, "That payment was already sent.");
                case DECLINED -> support.reply(envelope, whatsapp, "That payment was cancelled. Nothing was sent.");
                case FAILED -> support.reply(envelope, whatsapp, "That payment failed earlier and wasn't sent. "
                        + "Send the command again to retry.");
                case SENDING -> Uni.createFrom().voidItem();
            };
        });
    }

    private Uni<Void> execute(Envelope envelope, String whatsapp, Link link, PaymentIntent intent) {
        var token = support.token(link);
        var call = call(token, intent);
        var locale = support.locale(link);
        return call.onItemOrFailure().transformToUni((outcome, failure) -> {
            if (failure instanceof FlashUnauthenticatedException) {
                return finishFailed(intent, "UNAUTHENTICATED", null)
                        .flatMap(x -> support.linking().stale(envelope, whatsapp, link));
            }
            if (failure != null && intent.kind() == Kind.NOAMOUNT_USD) {
                return unknownWithoutRetry(envelope, whatsapp, link, intent, failure);
            }
            if (failure != null) {
                // the outcome is unknown: keep SENDING; YES again re-sends with the same idempotency key
                Log.warnf("Payment %s of %s: outcome unknown (%s)", intent.id(), link.userRef(), failure.toString());
                var expiresAt = clock.instant().plus(config.send().confirmationTtl());
                return support.conversation().expect(envelope, RoutingKeys.Expect.CONFIRMATION, intent.id().toString(),
                                CONTEXT_PREFIX + intent.id(), List.of("YES", "NO"), expiresAt)
                        .flatMap(x -> support.reply(envelope, whatsapp, "Flash didn't answer, so I can't tell yet "
                                + "whether the payment went through. Reply YES to try again (you can't pay twice: "
                                + "Flash recognises the same payment), or check HISTORY in a minute.",
                                Conversation.quick("YES", "Try again"), Conversation.quick("history", "History")));
            }
            if (!outcome.succeeded()) {
                return finishFailed(intent, outcome.errorCode(), outcome.status())
                        .flatMap(x -> support.reply(envelope, whatsapp, failureText(outcome, intent, locale)));
            }
            return recordSent(envelope, link, intent, outcome)
                    .flatMap(x -> support.reply(envelope, whatsapp, "✅ Sent " + amountText(intent, locale) + " to "
                                    + intent.recipientLabel() + ("PENDING".equals(outcome.status())
                                    ? ". Flash is still settling it; I'll tell you if anything changes." : "."),
                            Conversation.quick("history", "See history"), Conversation.quick("balance",
                                    "Check balance")));
        });
    }

    /**
     * Hands the intent to Flash once with the mutation of its kind; the intent id is the idempotency key (also for
     * an invite's payment, whose intent id is derived from the invite).
     */
    public Uni<PaymentOutcome> call(String token, PaymentIntent intent) {
        var key = intent.id().toString();
        return switch (intent.kind()) {
            case INTRA_USD -> flash.sendUsd(token, intent.walletId(), intent.recipientKey(), intent.amountMinor(),
                    intent.memo(), key);
            case INTRA_SATS -> flash.sendSats(token, intent.walletId(), intent.recipientKey(), intent.amountMinor(),
                    intent.memo(), key);
            case INVOICE -> flash.payInvoice(token, intent.walletId(), intent.recipientKey(), intent.memo(), key);
            case NOAMOUNT_SATS -> flash.payNoAmountInvoiceSats(token, intent.walletId(), intent.recipientKey(),
                    intent.amountMinor(), intent.memo(), key);
            // Flash takes no idempotency key here: the attempt row (unique per intent) is written before the one
            // call; an intent already attempted is never sent again
            case NOAMOUNT_USD -> payments.firstAttempt(intent.id(), intent.userRef(), clock.instant())
                    .flatMap(first -> first
                            ? flash.payNoAmountInvoiceUsd(token, intent.walletId(), intent.recipientKey(),
                            intent.amountMinor(), intent.memo())
                            : Uni.createFrom().failure(new AlreadyAttempted()));
        };
    }

    /**
     * A payment without an idempotency key at Flash whose outcome is unknown (or that was already handed to Flash):
     * never sent again automatically. The intent stays SENDING (it counts towards the limits); the user checks
     * the history and pays again only if it is not there.
     */
    private Uni<Void> unknownWithoutRetry(Envelope envelope, String whatsapp, Link link, PaymentIntent intent,
                                          Throwable failure) {
        var again = failure instanceof AlreadyAttempted;
        Log.warnf("Payment %s of %s: outcome unknown, not retried (%s)", intent.id(), link.userRef(),
                again ? "already handed to Flash" : failure.toString());
        var now = clock.instant();
        Uni<Void> audit = again ? Uni.createFrom().voidItem()
                : payments.pool().withTransaction(tx -> payments.audit(tx, link.userRef(), intent.id(), "SEND",
                intent.recipientLabel(), intent.amountMinor(), intent.walletCurrency(), intent.usdCents(),
                "OUTCOME_UNKNOWN", "no_idempotency_key_not_retried", null, now));
        return audit.flatMap(x -> support.reply(envelope, whatsapp, (again
                        ? "I already handed this payment to Flash once, and I can't tell whether it went through. "
                        : "Flash didn't answer, so I can't tell whether the payment went through. ")
                        + "I won't try it again myself, because this kind of payment could be paid twice. Check "
                        + "HISTORY in a minute and only pay again if it isn't there.",
                Conversation.quick("history", "See history")));
    }

    /** Flash's transaction id of the payment just made: the newest matching send not yet reported, if found. */
    private Uni<String> transactionId(String token, PaymentIntent intent) {
        var since = intent.createdAt().minus(Duration.ofMinutes(1));
        return flash.transactions(token, 5, null)
                .map(page -> page.items().stream()
                        .filter(tx -> !tx.received() && tx.createdAt() != null && !tx.createdAt().isBefore(since))
                        .filter(tx -> intent.kind() == Kind.INVOICE || Math.abs(tx.amountMinor()) == intent.amountMinor()
                                || !intent.walletCurrency().equals(tx.currency()))
                        .map(tx -> tx.id())
                        .findFirst().orElse(null))
                .onFailure().recoverWithItem(e -> {
                    Log.infof("No Flash transaction id for payment %s yet: %s", intent.id(), e.toString());
                    return null;
                });
    }

    private Uni<Void> sent(Envelope envelope, Link link, PaymentIntent intent, PaymentOutcome outcome, String txId) {
        var now = clock.instant();
        var eventId = txId != null ? txId : "intent:" + intent.id();
        var amountMinor = intent.kind() == Kind.INVOICE && !"BTC".equals(intent.walletCurrency())
                ? intent.usdCents() : intent.amountMinor();
        var event = new PaymentSent(Envelope.create(RoutingKeys.FlashEvents.PAYMENT_SENT, envelope.correlationId(),
                link.userRef()), eventId, link.flashAccountId(), intent.walletId(), intent.walletCurrency(),
                amountMinor, BigDecimal.valueOf(intent.usdCents(), 2), "USD",
                intent.recipientKind().equals("USERNAME") ? intent.recipientLabel().substring(1) : null,
                intent.memo(), "send", now);
        return payments.pool().withTransaction(tx -> payments.finish(tx, intent.id(), Status.SENT, outcome.status(),
                        null, txId)
                .flatMap(x -> payments.audit(tx, link.userRef(), intent.id(), "SEND", intent.recipientLabel(),
                        intent.amountMinor(), intent.walletCurrency(), intent.usdCents(), "SENT", outcome.status(),
                        txId, now))
                .flatMap(x -> emitted.emitOnce(tx, eventId, link.userRef(), "SEND", "send", event)))
                .invoke(() -> Log.infof("Payment %s of %s sent (Flash %s, tx %s)", intent.id(), link.userRef(),
                        outcome.status(), txId))
                .replaceWithVoid();
    }

    /**
     * An intent Flash accepted outside the card flow (an invite's payment): its transaction id, SENT with an audit
     * row and {@code payment.sent} once, the sender's cached balance evicted.
     */
    public Uni<Void> recordSent(Envelope envelope, Link link, PaymentIntent intent, PaymentOutcome outcome) {
        return transactionId(support.token(link), intent).flatMap(txId -> sent(envelope, link, intent, outcome, txId))
                .flatMap(x -> cache.evictBalance(link.userRef()));
    }

    /** An intent Flash refused (or a stale link): FAILED with an audit row. */
    public Uni<Void> recordFailed(PaymentIntent intent, String code, String flashStatus) {
        return finishFailed(intent, code, flashStatus);
    }

    private Uni<Void> finishFailed(PaymentIntent intent, String code, String flashStatus) {
        var now = clock.instant();
        return payments.pool().withTransaction(tx -> payments.finish(tx, intent.id(), Status.FAILED, flashStatus, code,
                        null)
                .flatMap(x -> payments.audit(tx, intent.userRef(), intent.id(), "SEND", intent.recipientLabel(),
                        intent.amountMinor(), intent.walletCurrency(), intent.usdCents(), "FAILED", code, null, now)));
    }

    private String failureText(PaymentOutcome outcome, PaymentIntent intent, Locale locale) {
        var code = outcome.errorCode() == null ? "" : outcome.errorCode().toUpperCase(Locale.ROOT);
        var message = outcome.errorMessage() == null ? "" : outcome.errorMessage().toLowerCase(Locale.ROOT);
        if (code.equals("INSUFFICIENT_BALANCE") || message.contains("balance is too low")
                || message.contains("exceeds balance")) {
            return "❌ Not enough money in your " + ("BTC".equals(intent.walletCurrency()) ? "Bitcoin" : "Cash")
                    + " wallet for " + amountText(intent, locale) + ". Nothing was sent. Reply BALANCE to check it.";
        }
        if (code.equals("CANT_PAY_SELF")) {
            return "You can't send money to yourself. Nothing was sent.";
        }
        if (message.contains("expired")) {
            return "⌛ That invoice has expired. Ask for a new one. Nothing was sent.";
        }
        if (code.equals("INVOICE_DECODE_ERROR") || code.equals("INVALID_LNURL")) {
            return "That invoice isn't valid. Please check it and try again. Nothing was sent.";
        }
        if (code.equals("NOT_FOUND")) {
            return "Flash couldn't find that recipient's wallet. Please check and try again. Nothing was sent.";
        }
        if (code.contains("LIMIT") || code.equals("TRANSACTION_RESTRICTED")
                || code.equals("NEW_ACCOUNT_WITHDRAWAL_RESTRICTED") || message.contains("limit")) {
            return "Flash refused this payment because of your account's limits. Check your limits in the Flash app. "
                    + "Nothing was sent.";
        }
        if (code.equals("ROUTE_FINDING_ERROR") || code.equals("LIGHTNING_PAYMENT_ERROR")) {
            return "The Lightning payment couldn't find a route. Please try again later. Nothing was sent.";
        }
        return "Flash couldn't send this payment. Nothing was sent. Please try again later.";
    }

    // ------------------------------------------------------------------ helpers

    private static String amountText(PaymentIntent intent, Locale locale) {
        return switch (intent.kind()) {
            case INTRA_SATS -> MoneyFormatter.sats(intent.amountMinor(), locale);
            case INTRA_USD -> Money.usd(intent.amountMinor(), locale);
            case INVOICE, NOAMOUNT_SATS -> MoneyFormatter.sats(intent.amountMinor(), locale);
            case NOAMOUNT_USD -> Money.usd(intent.amountMinor(), locale);
        };
    }

    private static boolean lightning(Kind kind) {
        return kind == Kind.INVOICE || kind == Kind.NOAMOUNT_SATS || kind == Kind.NOAMOUNT_USD;
    }

    private static boolean isSats(String unit) {
        return unit != null && (unit.equalsIgnoreCase("SATS") || unit.equalsIgnoreCase("BTC")
                || unit.equalsIgnoreCase("SAT"));
    }

    private static Wallet wallet(Me me, String currency) {
        return me.wallets().stream()
                .filter(w -> currency.equals(w.currency()) || ("USD".equals(currency) && "USDT".equals(w.currency())))
                .findFirst().orElse(null);
    }

    private static boolean ownWallet(Me me, String walletId) {
        return me.wallets().stream().anyMatch(w -> w.id().equals(walletId));
    }

    private static String memo(String memo) {
        return memo == null || memo.isBlank() ? null : memo.strip();
    }

    private static String shortId(String id) {
        return id.length() <= 8 ? id : id.substring(0, 8) + "…";
    }

    private static String minutes(Duration ttl) {
        var minutes = ttl.toMinutes();
        return minutes >= 1 ? minutes + (minutes == 1 ? " minute" : " minutes") : ttl.toSeconds() + " seconds";
    }
}
