package com.flashapp.whatsapp.balance.invite;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.client.FlashUnauthenticatedException;
import com.flashapp.whatsapp.balance.client.FlashWalletClient;
import com.flashapp.whatsapp.balance.client.WalletModels.PaymentOutcome;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import com.flashapp.whatsapp.balance.invite.Invite.Status;
import com.flashapp.whatsapp.balance.payment.PaymentIntent;
import com.flashapp.whatsapp.balance.payment.PaymentRepository;
import com.flashapp.whatsapp.balance.payment.RiskRules;
import com.flashapp.whatsapp.balance.payment.SendService;
import com.flashapp.whatsapp.balance.service.Conversation;
import com.flashapp.whatsapp.balance.service.Phones;
import com.flashapp.whatsapp.balance.wallet.Money;
import com.flashapp.whatsapp.balance.wallet.WalletSupport;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.InviteCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Invite payments: "send 5 to +1876…" for a number nobody linked. Nothing is held: after the usual step-up and YES
 * ({@code confirmation} expectation, context {@code invite:<id>}) the invite is OPEN, the number gets one approved
 * template message, and the money stays in the sender's wallet. When that number links ({@code account.linked})
 * each open invite to it is paid once: the invite moves to CLAIMING in the same transaction that writes its payment
 * intent, whose id (Flash's idempotency key) is derived from the invite and its attempt; the sender's hard limits
 * are checked again, and both sides are told. Senders list ({@code pending}) and cancel their invites; an invite
 * not claimed within {@code wallet.invites.ttl} expires and its sender is told nothing was sent.
 */
@ApplicationScoped
public class InviteService {

    /** Context prefix of the invite card's confirmation expectation. */
    public static final String CONTEXT_PREFIX = "invite:";

    /** The resolved recipient kind of a number nobody linked (SendService hands such a card to this service). */
    public static final String RECIPIENT_KIND = "INVITE";

    static final String STOPPED = "OK, no more payment invites will be sent to this number. If you join Flash one "
            + "day, send *link* here to use your wallet from WhatsApp.";

    private static final String OPERATION = "INVITE";

    /*
     * The approved templates (notification-service's app.templates.content-sids.<key>) notification-service sends
     * instead of the sender's notices below when the sender's 24-hour window is closed, days after they invited:
     * invite_paid "✅ {{1}} joined Flash, so I sent them {{2}} (invite #{{3}})."; invite_unpaid "❌ {{1}} joined
     * Flash, but {{2}}, so invite #{{3}} wasn't paid. Nothing was sent. The invite stays open until {{4}}; CANCEL
     * INVITE {{3}} cancels it."; invite_expired "⌛ Your invite #{{1}} to {{2}} for {{3}} expired: they didn't join
     * Flash and link WhatsApp within {{4}}. Nothing was sent; the money stayed in your wallet."
     */
    static final String TEMPLATE_PAID = "invite_paid";
    static final String TEMPLATE_UNPAID = "invite_unpaid";
    static final String TEMPLATE_EXPIRED = "invite_expired";

    private final InviteRepository invites;
    private final WalletSupport support;
    private final ContactDirectory directory;
    private final TokenVault vault;
    private final Publisher publisher;
    private final SendService send;
    private final PaymentRepository payments;
    private final RiskRules risk;
    private final FlashWalletClient flash;
    private final WalletConfig config;
    private final ZoneId zone;
    private final InviteClock clock;

    public InviteService(InviteRepository invites, WalletSupport support, ContactDirectory directory, TokenVault vault,
                         Publisher publisher, SendService send, PaymentRepository payments, RiskRules risk,
                         FlashWalletClient flash, WalletConfig config, BalanceConfig balanceConfig,
                         InviteClock clock) {
        this.invites = invites;
        this.support = support;
        this.directory = directory;
        this.vault = vault;
        this.publisher = publisher;
        this.send = send;
        this.payments = payments;
        this.risk = risk;
        this.flash = flash;
        this.config = config;
        this.zone = ZoneId.of(balanceConfig.format().zone());
        this.clock = clock;
    }

    /** Whether a confirmation answer belongs to an invite card. */
    public static boolean owns(ConfirmationAnswer answer) {
        return answer.context() != null && answer.context().startsWith(CONTEXT_PREFIX);
    }

    // ------------------------------------------------------------------ the card

    /**
     * The card for a payment to {@code phone} (E.164), which nobody linked: the caps, then "Please confirm this
     * invite" with the amount in both units ({@code amountLine}), the invite stored ASKED until the card's time.
     */
    public Uni<Void> offer(PaymentSendRequest request, Link link, String phone, String toLine, PaymentIntent.Kind kind,
                           Money.Quote q, String amountLine, String walletId, String walletCurrency, Locale locale,
                           Instant now) {
        var envelope = request.envelope();
        var whatsapp = request.whatsapp();
        var caps = config.invites();
        if (phone.equals(Phones.e164(whatsapp))) {
            return support.reply(envelope, whatsapp, "You can't send money to yourself.");
        }
        if (q.usdCents() > caps.maxPerInviteCents()) {
            return refused(envelope, whatsapp, link, phone, q, "over_invite_limit", "An invite to someone who isn't "
                    + "on Flash yet can be at most " + Money.usd(caps.maxPerInviteCents(), locale) + ". Send less, or "
                    + "ask them for their Flash username.", now);
        }
        // null: the number said "stop" to invites
        return invites.optedOut(directory.hash(phone)).flatMap(optedOut -> optedOut
                ? Uni.createFrom().<Long>nullItem() : invites.waitingCents(link.userRef())).flatMap(waiting -> {
            if (waiting == null) {
                return refused(envelope, whatsapp, link, phone, q, "recipient_opted_out", "That number asked not to "
                        + "get invites from Flash here, so I can't invite them. Ask them for their Flash username "
                        + "instead.", now);
            }
            if (waiting + q.usdCents() > caps.maxOpenCents()) {
                return refused(envelope, whatsapp, link, phone, q, "over_open_invites_limit", "You already have "
                        + Money.usd(waiting, locale) + " in open invites, and together they can be at most "
                        + Money.usd(caps.maxOpenCents(), locale) + ". Reply PENDING to see them, or CANCEL INVITE "
                        + "<number> to cancel one.", now);
            }
            var ttl = config.send().confirmationTtl();
            var id = UUID.randomUUID();
            var sealed = vault.encrypt(new JsonObject().put("to", "whatsapp:" + phone).put("from", whatsapp)
                    .encode(), associatedData(id));
            var invite = new Invite(id, link.userRef(), 0, Status.ASKED, directory.hash(phone), sealed,
                    Phones.mask(phone), kind, walletId, walletCurrency, q.minor(), q.usdCents(), 0, now, now.plus(ttl));
            var text = "💌 *Please confirm this invite*\n\nTo: " + toLine + " (not on Flash yet)\nAmount: " + amountLine
                    + "\nFrom: your " + ("BTC".equals(walletCurrency) ? "Bitcoin" : "Cash (USD)") + " wallet"
                    + "\n\nThe money stays in your wallet. I'll send it when they join Flash and link this WhatsApp "
                    + "number, within " + days() + ", unless you cancel. They get one WhatsApp message saying you "
                    + "want to pay them.\n\nReply YES within " + ttl.toMinutes() + " minutes to invite them, or NO "
                    + "to cancel.";
            return invites.create(invite)
                    .flatMap(created -> audit(created, "CONFIRMATION_ASKED", null, now))
                    .flatMap(x -> support.conversation().expect(envelope, RoutingKeys.Expect.CONFIRMATION,
                            id.toString(), CONTEXT_PREFIX + id, List.of("YES", "NO"), invite.expiresAt()))
                    .flatMap(x -> support.reply(envelope, whatsapp, text, Conversation.quick("YES", "Yes, invite"),
                            Conversation.quick("NO", "No, cancel")));
        });
    }

    private Uni<Void> refused(Envelope envelope, String whatsapp, Link link, String phone, Money.Quote q,
                              String reason, String text, Instant now) {
        return payments.pool().withTransaction(tx -> payments.audit(tx, link.userRef(), null, OPERATION,
                        Phones.mask(phone), q.minor(), q.kind().name(), q.usdCents(), "REFUSED", reason, null, now))
                .flatMap(x -> support.reply(envelope, whatsapp, text));
    }

    // ------------------------------------------------------------------ the answer

    /** The answer to an invite card (context {@code invite:<id>}). */
    public Uni<Void> confirm(ConfirmationAnswer answer) {
        var envelope = answer.envelope();
        var whatsapp = answer.whatsapp();
        var id = Conversation.contextId(answer, CONTEXT_PREFIX);
        if (id == null) {
            return Uni.createFrom().voidItem();
        }
        var userRef = envelope.userRef();
        var now = clock.now();
        if (!SendService.yes(answer.answer())) {
            return invites.decline(id, userRef, now).flatMap(changed -> !changed
                    ? notOpened(envelope, whatsapp, id, now)
                    : invites.find(id, userRef).flatMap(invite -> audit(invite, "DECLINED", "user_said_no", now))
                    .flatMap(x -> support.reply(envelope, whatsapp, "OK, no invite. Nothing was sent.")));
        }
        return support.activeLink(envelope, whatsapp).flatMap(link -> link == null
                ? invites.decline(id, userRef, now).replaceWithVoid()
                : invites.open(id, userRef, now, now.plus(config.invites().ttl())).flatMap(invite -> invite == null
                ? notOpened(envelope, whatsapp, id, now)
                : opened(envelope, whatsapp, link, invite, now)));
    }

    private Uni<Void> opened(Envelope envelope, String whatsapp, Link link, Invite invite, Instant now) {
        var locale = support.locale(link);
        var amount = Money.walletAmount(invite.amountMinor(), invite.walletCurrency(), locale);
        var addresses = addresses(invite.id(), invite.ciphertext());
        return audit(invite, "OPENED", null, now)
                .flatMap(x -> tellRecipient(envelope, link, invite, addresses.getString("to"), amount, now))
                .flatMap(x -> support.reply(envelope, whatsapp, "📨 Invite #" + invite.number() + " sent to "
                                + invite.recipientLabel() + " for " + amount + ". The money stays in your wallet until "
                                + "they join Flash and link WhatsApp (until " + date(invite.expiresAt(), locale)
                                + "). Reply PENDING to see your invites, or CANCEL INVITE " + invite.number()
                                + " to cancel it.",
                        Conversation.quick("pending", "My invites")));
    }

    /**
     * The number's one message: the approved template (it never wrote to us, so only a template may reach it), with
     * the sender's name and the amount. At most one per number per invite lifetime, whoever invites: a second
     * invite to the same number sends nothing more.
     */
    private Uni<Void> tellRecipient(Envelope envelope, Link sender, Invite invite, String to, String amount,
                                    Instant now) {
        var ttl = config.invites().ttl();
        return invites.notice(invite.phoneHash(), now, now.minus(ttl)).flatMap(first -> {
            if (!first) {
                Log.infof("Invite %s: %s had an invite message within %s, none sent again", invite.id(),
                        invite.recipientLabel(), ttl);
                return Uni.createFrom().voidItem();
            }
            var from = sender.username() == null ? "A Flash user" : "@" + sender.username();
            var body = from + " wants to pay you " + amount + " with Flash. Get the Flash app (flashapp.me), then "
                    + "message LINK to this number from this WhatsApp within " + days() + " to receive it.";
            // not a user of ours: the message is keyed by the number's hash (there is no userRef for it)
            var message = new OutboundMessage(Envelope.create(RoutingKeys.Outbound.TEMPLATE,
                    envelope.correlationId(), "invite:" + invite.phoneHash()), to, body, List.of(), List.of(),
                    config.invites().templateKey(), Map.of("1", from, "2", amount), null);
            return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, message);
        });
    }

    private Uni<Void> notOpened(Envelope envelope, String whatsapp, UUID id, Instant now) {
        return invites.find(id, envelope.userRef()).flatMap(invite -> {
            if (invite == null) {
                return support.reply(envelope, whatsapp, "I don't have that invite any more. Nothing was sent.");
            }
            return switch (invite.status()) {
                case ASKED -> invites.decline(id, envelope.userRef(), now)
                        .flatMap(changed -> changed ? audit(invite, "EXPIRED", "no_yes_in_time", now)
                                : Uni.createFrom().voidItem())
                        .flatMap(x -> support.reply(envelope, whatsapp, "⌛ That confirmation expired, so I "
                                + "didn't invite anyone. Send the command again if you still want to."));
                case OPEN, CLAIMING -> support.reply(envelope, whatsapp, "Invite #" + invite.number()
                        + " is already open. Reply PENDING to see your invites.");
                case PAID -> support.reply(envelope, whatsapp, "That invite was already paid.");
                case DECLINED, CANCELLED -> support.reply(envelope, whatsapp, "That invite was cancelled. Nothing "
                        + "was sent.");
                case EXPIRED -> support.reply(envelope, whatsapp, "That invite expired. Nothing was sent.");
            };
        });
    }

    // ------------------------------------------------------------------ pending / cancel invite <n>

    public Uni<Void> handle(InviteCommand command) {
        var envelope = command.envelope();
        var whatsapp = command.whatsapp();
        if (command.action() == InviteCommand.Action.STOP) {
            // an invited number (or any not linked here) saying "stop": honoured for every later invite
            return invites.optOut(directory.hash(Phones.e164(whatsapp)), clock.now())
                    .flatMap(x -> support.reply(envelope, whatsapp, STOPPED));
        }
        return support.activeLink(envelope, whatsapp).flatMap(link -> {
            if (link == null) {
                return Uni.createFrom().voidItem();
            }
            var locale = support.locale(link);
            if (command.action() == InviteCommand.Action.LIST) {
                return invites.waiting(link.userRef()).flatMap(list -> support.reply(envelope, whatsapp,
                        list(list, locale)));
            }
            if (command.number() == null || command.number() < 1) {
                return support.reply(envelope, whatsapp, "Which invite? Reply PENDING to see them, then CANCEL INVITE "
                        + "<number>, e.g. CANCEL INVITE 1.");
            }
            var now = clock.now();
            return invites.cancel(link.userRef(), command.number(), now).flatMap(invite -> invite == null
                    ? support.reply(envelope, whatsapp, "You have no open invite #" + command.number()
                    + ". Reply PENDING to see your invites.")
                    : audit(invite, "CANCELLED", "user_cancelled", now).flatMap(x -> support.reply(envelope,
                    whatsapp, "OK, invite #" + invite.number() + " to " + invite.recipientLabel() + " is cancelled. "
                            + "Nothing was sent.")));
        });
    }

    private String list(List<Invite> list, Locale locale) {
        if (list.isEmpty()) {
            return "You have no open invites. When you send money to a number that isn't on Flash yet, I invite "
                    + "them and pay them when they join.";
        }
        var text = new StringBuilder("📨 *Your open invites*\n");
        for (var invite : list) {
            text.append("\n#").append(invite.number()).append(' ').append(invite.recipientLabel()).append(": ")
                    .append(Money.walletAmount(invite.amountMinor(), invite.walletCurrency(), locale))
                    .append(invite.status() == Status.CLAIMING ? ", being paid"
                            : ", until " + date(invite.expiresAt(), locale));
        }
        return text.append("\n\nCANCEL INVITE <number> cancels one.").toString();
    }

    // ------------------------------------------------------------------ the number links

    /**
     * {@code account.linked}: the contact directory learns the number (a payment to it finds the new user at once,
     * even before they ask us anything), then every invite to that number is paid now, one after the other. A
     * payment whose outcome is unknown fails the event (the messaging module delivers it again), and is paid again
     * with the same idempotency key; a paid invite is never paid again, however often the event comes.
     */
    public Uni<Void> claim(AccountLinked event) {
        if (event.whatsapp() == null || !event.whatsapp().startsWith("whatsapp:+")) {
            return Uni.createFrom().voidItem();
        }
        var now = clock.now();
        return directory.remember(event.envelope().userRef(), event.whatsapp())
                .flatMap(x -> invites.payable(directory.hash(Phones.e164(event.whatsapp())), now))
                .flatMap(list -> Multi.createFrom().iterable(list)
                        .onItem().transformToUniAndConcatenate(invite -> claim(event, invite, now))
                        .collect().last())
                .replaceWithVoid();
    }

    private Uni<Void> claim(AccountLinked event, Invite invite, Instant now) {
        if (invite.userRef().equals(event.envelope().userRef())) {
            Log.infof("Invite %s: its sender linked the number themselves; not paid", invite.id());
            return Uni.createFrom().voidItem();
        }
        return support.links().find(invite.userRef()).flatMap(link -> {
            if (link == null || !link.active()) {
                Log.infof("Invite %s: its sender %s has no active link; it waits until it expires", invite.id(),
                        invite.userRef());
                return Uni.createFrom().voidItem();
            }
            var addresses = addresses(invite.id(), invite.ciphertext());
            var sender = senderEnvelope(event.envelope().correlationId(), invite);
            var from = addresses.getString("from");
            var locale = support.locale(link);
            Uni<String> limit = invite.status() == Status.CLAIMING ? Uni.createFrom().nullItem()
                    : risk.hardLimit(invite.userRef(), invite.usdCents(), now);
            return limit.flatMap(reason -> reason != null
                    ? audit(invite, "REFUSED", reason, now)
                    .flatMap(x -> unpaid(sender, from, invite, overLimit(invite, reason, locale), locale))
                    : recipientWallet(event, invite.walletCurrency()).flatMap(wallet -> wallet == null
                    ? noWallet(invite)
                    : pay(event, invite, link, wallet, sender, from, locale, now)));
        });
    }

    /** The new user's wallet in the invite's currency: by their username, else their default wallet. */
    private Uni<String> recipientWallet(AccountLinked event, String currency) {
        if (event.username() != null && !event.username().isBlank()) {
            return flash.walletOf(event.username(), currency).map(w -> w == null ? null : w.id());
        }
        return support.links().find(event.envelope().userRef())
                .map(l -> l == null ? null : l.defaultWalletId());
    }

    private Uni<Void> noWallet(Invite invite) {
        Log.warnf("Invite %s: no wallet found for the linked recipient; it stays open", invite.id());
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> pay(AccountLinked event, Invite invite, Link link, String recipientWallet, Envelope sender,
                          String from, Locale locale, Instant now) {
        var userRef = invite.userRef();
        return invites.pool().withTransaction(tx -> invites.take(tx, invite.id(), now).flatMap(taken -> taken == null
                        ? Uni.createFrom().<Invite>nullItem()
                        : payments.createIfAbsent(tx, intent(taken, recipientWallet, now)).replaceWith(taken)))
                .flatMap(taken -> taken == null ? Uni.createFrom().voidItem()
                        : payments.find(taken.intentId(), userRef).flatMap(intent -> send.call(support.token(link),
                                intent).onItemOrFailure().transformToUni((outcome, failure) ->
                                outcome(event, taken, link, intent, outcome, failure, sender, from, locale, now))));
    }

    private static PaymentIntent intent(Invite invite, String recipientWallet, Instant now) {
        return new PaymentIntent(invite.intentId(), invite.userRef(), PaymentIntent.Status.SENDING, invite.kind(),
                invite.walletId(), invite.walletCurrency(), "PHONE", invite.recipientLabel(), recipientWallet,
                invite.amountMinor(), invite.usdCents(), null, null, now, now);
    }

    private Uni<Void> outcome(AccountLinked event, Invite invite, Link link, PaymentIntent intent,
                              PaymentOutcome outcome, Throwable failure, Envelope sender, String from, Locale locale,
                              Instant now) {
        if (failure instanceof FlashUnauthenticatedException) {
            return send.recordFailed(intent, "UNAUTHENTICATED", null)
                    .flatMap(x -> invites.reopen(invite.id()))
                    .flatMap(x -> support.linking().stale(sender, from, link));
        }
        if (failure != null) {
            Log.warnf("Invite %s of %s: payment outcome unknown (%s); the event is retried with the same key",
                    invite.id(), invite.userRef(), failure.toString());
            return Uni.createFrom().failure(failure);
        }
        var amount = Money.walletAmount(invite.amountMinor(), invite.walletCurrency(), locale);
        if (!outcome.succeeded()) {
            return send.recordFailed(intent, outcome.errorCode(), outcome.status())
                    .flatMap(x -> invites.reopen(invite.id()))
                    .flatMap(x -> unpaid(sender, from, invite, refusedReason(invite, outcome, amount), locale));
        }
        var name = link.username() == null ? "Someone" : "@" + link.username();
        return send.recordSent(sender, link, intent, outcome)
                .flatMap(x -> invites.paid(invite.id(), now))
                .invoke(() -> Log.infof("Invite %s of %s paid (attempt %d)", invite.id(), invite.userRef(),
                        invite.attempt()))
                .flatMap(x -> support.conversation().notify(sender, from, "✅ " + invite.recipientLabel()
                        + " joined Flash, so I sent them " + amount + " (invite #" + invite.number() + ").",
                        TEMPLATE_PAID, Map.of("1", invite.recipientLabel(), "2", amount, "3",
                                String.valueOf(invite.number())),
                        Conversation.quick("history", "See history")))
                .flatMap(x -> support.reply(event.envelope(), event.whatsapp(), "💸 " + name + " sent you " + amount
                        + ": the payment they promised when they invited you to Flash. Reply BALANCE to see it.",
                        Conversation.quick("balance", "Check balance")));
    }

    /** Why Flash did not pay an invite, as the sender is told. */
    private static String refusedReason(Invite invite, PaymentOutcome outcome, String amount) {
        var code = outcome.errorCode() == null ? "" : outcome.errorCode().toUpperCase(Locale.ROOT);
        var message = outcome.errorMessage() == null ? "" : outcome.errorMessage().toLowerCase(Locale.ROOT);
        return code.equals("INSUFFICIENT_BALANCE") || message.contains("exceeds balance")
                || message.contains("balance is too low")
                ? "your " + ("BTC".equals(invite.walletCurrency()) ? "Bitcoin" : "Cash") + " wallet doesn't have "
                + amount
                : "Flash refused the payment of " + amount;
    }

    /** Why the sender's limits kept an invite from being paid. */
    private String overLimit(Invite invite, String reason, Locale locale) {
        var send = config.send();
        var amount = Money.walletAmount(invite.amountMinor(), invite.walletCurrency(), locale);
        var limit = "over_payment_limit".equals(reason)
                ? "your limit of " + Money.usd(send.maxPerPaymentCents(), locale) + " per payment on WhatsApp"
                : "your daily limit of " + Money.usd(send.maxPerDayCents(), locale) + " on WhatsApp";
        return amount + " would go over " + limit;
    }

    /** Tells the sender an invite was not paid when its number linked ({@code why}) and that it stays open. */
    private Uni<Void> unpaid(Envelope sender, String from, Invite invite, String why, Locale locale) {
        var until = date(invite.expiresAt(), locale);
        return support.conversation().notify(sender, from, "❌ " + invite.recipientLabel() + " joined Flash, but "
                        + why + ", so invite #" + invite.number() + " wasn't paid. Nothing was sent. The invite stays "
                        + "open until " + until + "; CANCEL INVITE " + invite.number() + " cancels it.",
                TEMPLATE_UNPAID, Map.of("1", invite.recipientLabel(), "2", why, "3", String.valueOf(invite.number()),
                        "4", until));
    }

    // ------------------------------------------------------------------ expiry

    @Scheduled(every = "${wallet.invites.expiry-interval:1m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduledExpiry() {
        return expire(clock.now()).replaceWithVoid().onFailure().recoverWithItem(e -> {
            Log.warnf("Invite expiry failed (the next run retries): %s", e.toString());
            return null;
        });
    }

    /**
     * Closes every OPEN invite past its time as of {@code now} (tests pass a later instant) and tells each sender that
     * nothing was sent; returns how many expired.
     */
    public Uni<Integer> expire(Instant now) {
        return invites.expire(now).flatMap(expired -> Multi.createFrom().iterable(expired)
                .onItem().transformToUniAndConcatenate(e -> expired(e, now))
                .collect().asList().replaceWith(expired.size()));
    }

    private Uni<Void> expired(InviteRepository.Expired expired, Instant now) {
        var invite = expired.invite();
        var from = addresses(invite.id(), expired.ciphertext()).getString("from");
        return support.links().find(invite.userRef()).flatMap(link -> {
            var locale = support.locale(link);
            var envelope = senderEnvelope("invite-expired:" + invite.id(), invite);
            return audit(invite, "EXPIRED", "not_claimed_within_" + config.invites().ttl(), now)
                    .flatMap(x -> {
                        var amount = Money.walletAmount(invite.amountMinor(), invite.walletCurrency(), locale);
                        return support.conversation().notify(envelope, from, "⌛ Your invite #" + invite.number()
                                        + " to " + invite.recipientLabel() + " for " + amount + " expired: they didn't "
                                        + "join Flash and link WhatsApp within " + days() + ". Nothing was sent; the "
                                        + "money stayed in your wallet.",
                                TEMPLATE_EXPIRED, Map.of("1", String.valueOf(invite.number()), "2",
                                        invite.recipientLabel(), "3", amount, "4", days()));
                    });
        });
    }

    // ------------------------------------------------------------------ helpers

    private Uni<Void> audit(Invite invite, String decision, String reason, Instant now) {
        return payments.pool().withTransaction(tx -> payments.audit(tx, invite.userRef(), invite.id(), OPERATION,
                invite.recipientLabel(), invite.amountMinor(), invite.walletCurrency(), invite.usdCents(), decision,
                reason, null, now));
    }

    private JsonObject addresses(UUID id, String ciphertext) {
        return new JsonObject(vault.decrypt(ciphertext, associatedData(id)));
    }

    private static String associatedData(UUID id) {
        return "invite:" + id;
    }

    /** An envelope for a message to the sender outside their own request (a claim, the expiry). */
    private static Envelope senderEnvelope(String correlationId, Invite invite) {
        return Envelope.create("invite", correlationId, invite.userRef());
    }

    private String days() {
        var days = config.invites().ttl().toDays();
        return days == 1 ? "1 day" : days + " days";
    }

    private String date(Instant instant, Locale locale) {
        return DateTimeFormatter.ofPattern("d MMM", locale).format(instant.atZone(zone));
    }
}
