package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.command.parser.Args;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.command.registry.CommandSpec;
import com.flashapp.whatsapp.command.telemetry.Outcome;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.notification.PreferencesGet;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountUnlinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountVerifyRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/**
 * One handler per command: most turn the parsed arguments into the owning service's request; help-like ones
 * answer here. The owning service answers the user itself.
 */
@ApplicationScoped
public class CommandHandlers {

    /** Handles one parsed command for one turn. */
    @FunctionalInterface
    interface Handler {
        Uni<Handled> handle(Turn turn, Args args);
    }

    private final Publisher publisher;
    private final Replies replies;
    private final HelpTexts help;
    private final CommandRegistry registry;
    private final Map<String, Handler> handlers;

    public CommandHandlers(Publisher publisher, Replies replies, HelpTexts help, CommandRegistry registry,
                           ErasureService erasure) {
        this.publisher = publisher;
        this.replies = replies;
        this.help = help;
        this.registry = registry;
        this.handlers = Map.ofEntries(
                Map.entry(CommandRegistry.LINK, (t, a) -> wallet(CommandRegistry.LINK,
                        new AccountLinkRequest(t.follow(RoutingKeys.Wallet.ACCOUNT_LINK), t.whatsapp(), t.locale()))),
                Map.entry(CommandRegistry.VERIFY, (t, a) -> wallet(CommandRegistry.VERIFY,
                        new AccountVerifyRequest(t.follow(RoutingKeys.Wallet.ACCOUNT_VERIFY), t.whatsapp(),
                                a.value()))),
                Map.entry(CommandRegistry.UNLINK, (t, a) -> wallet(CommandRegistry.UNLINK,
                        new AccountUnlinkRequest(t.follow(RoutingKeys.Wallet.ACCOUNT_UNLINK), t.whatsapp()))),
                Map.entry(CommandRegistry.BALANCE, (t, a) -> wallet(CommandRegistry.BALANCE,
                        new BalanceRequest(t.follow(RoutingKeys.Wallet.BALANCE_GET), t.whatsapp(),
                                "refresh".equals(a.option())))),
                Map.entry(CommandRegistry.PRICE, (t, a) -> wallet(CommandRegistry.PRICE,
                        new PriceRequest(t.follow(RoutingKeys.Wallet.PRICE_GET), t.whatsapp(), a.value()))),
                Map.entry(CommandRegistry.HISTORY, (t, a) -> wallet(CommandRegistry.HISTORY,
                        new HistoryRequest(t.follow(RoutingKeys.Wallet.HISTORY_GET), t.whatsapp(),
                                a.option() == null ? a.number() : null, "more".equals(a.option()),
                                "detail".equals(a.option()) ? a.number() : null))),
                Map.entry(CommandRegistry.RECEIVE, (t, a) -> wallet(CommandRegistry.RECEIVE,
                        new InvoiceCreateRequest(t.follow(RoutingKeys.Wallet.INVOICE_CREATE), t.whatsapp(),
                                a.amount(), a.memo()))),
                Map.entry(CommandRegistry.REQUEST, this::paymentRequest),
                Map.entry(CommandRegistry.SEND, (t, a) -> wallet(CommandRegistry.SEND,
                        new PaymentSendRequest(t.follow(RoutingKeys.Wallet.PAYMENT_SEND), t.whatsapp(), a.amount(),
                                a.recipient(), a.memo()))),
                Map.entry(CommandRegistry.NOTIFICATIONS, this::notifications),
                Map.entry(CommandRegistry.SUPPORT, this::support),
                Map.entry(CommandRegistry.ABOUT, this::about),
                Map.entry(CommandRegistry.HELP, this::help),
                Map.entry(CommandRegistry.ERASE, (t, a) -> erasure.ask(t)),
                Map.entry(CommandRegistry.CANCEL, (t, a) -> replies.send(t,
                                "There's nothing to cancel right now. Send *help* to see what you can do.",
                                nextSteps(CommandRegistry.CANCEL))
                        .replaceWith(Handled.ok(CommandRegistry.CANCEL))));
    }

    /** Whether a (non-admin) command has a handler: every declared command must. */
    public boolean handles(String command) {
        return handlers.containsKey(command);
    }

    public Uni<Handled> handle(Turn turn, CommandSpec spec, Args args) {
        var handler = handlers.get(spec.name());
        if (handler == null) {
            return Uni.createFrom().failure(new IllegalStateException("no handler for " + spec.name()));
        }
        return handler.handle(turn, args);
    }

    /** Anything unmatched: a question for AI support, for linked and unlinked users alike. */
    public Uni<Handled> askSupport(Turn turn, String text) {
        var question = new SupportQuestion(turn.follow(RoutingKeys.Support.QUESTION), turn.whatsapp(), text,
                turn.locale(), turn.user().linked());
        return publisher.publish(Exchanges.SUPPORT_REQUESTS, question)
                .replaceWith(new Handled("ai", Outcome.ROUTED_TO_AI));
    }

    private Uni<Handled> wallet(String command, ContractMessage request) {
        return publisher.publish(Exchanges.WALLET_REQUESTS, request).replaceWith(Handled.ok(command));
    }

    private Uni<Handled> paymentRequest(Turn turn, Args args) {
        var action = switch (args.option()) {
            case "list" -> PaymentRequestCommand.Action.LIST;
            case "cancel" -> PaymentRequestCommand.Action.CANCEL;
            default -> PaymentRequestCommand.Action.CREATE;
        };
        return wallet(CommandRegistry.REQUEST, new PaymentRequestCommand(
                turn.follow(RoutingKeys.Wallet.PAYMENT_REQUEST), turn.whatsapp(), action, args.amount(),
                args.recipient(), args.memo(), args.number()));
    }

    private Uni<Handled> notifications(Turn turn, Args args) {
        ContractMessage request;
        if (args.option() == null) {
            request = new PreferencesGet(turn.follow(RoutingKeys.Notification.PREFERENCES_GET), turn.whatsapp());
        } else {
            var envelope = turn.follow(RoutingKeys.Notification.PREFERENCES_UPDATE);
            request = switch (args.option()) {
                case "on" -> new PreferencesUpdate(envelope, turn.whatsapp(), true, null, null, null, null);
                case "off" -> new PreferencesUpdate(envelope, turn.whatsapp(), false, null, null, null, null);
                case "quiet" -> new PreferencesUpdate(envelope, turn.whatsapp(), null, null, args.value(), null, null);
                case "digest" -> new PreferencesUpdate(envelope, turn.whatsapp(), null, null, null, args.value(), null);
                default -> new PreferencesUpdate(envelope, turn.whatsapp(), null, args.amount(), null, null, null);
            };
        }
        return publisher.publish(Exchanges.NOTIFICATION_REQUESTS, request)
                .replaceWith(Handled.ok(CommandRegistry.NOTIFICATIONS));
    }

    private Uni<Handled> support(Turn turn, Args args) {
        if (args.value() != null) {
            return askSupport(turn, args.value()).replaceWith(Handled.ok(CommandRegistry.SUPPORT));
        }
        return replies.send(turn, "Ask me anything about Flash in your own words, like "
                        + "_How do I buy bitcoin?_ – I'll answer right here.", nextSteps(CommandRegistry.SUPPORT))
                .replaceWith(Handled.ok(CommandRegistry.SUPPORT));
    }

    /** The registry's natural next steps after a command, offered as quick replies. */
    private List<QuickReply> nextSteps(String command) {
        return registry.byName(command).orElseThrow().nextSteps();
    }

    private Uni<Handled> about(Turn turn, Args args) {
        var spec = registry.byName(CommandRegistry.ABOUT).orElseThrow();
        var next = turn.user().linked()
                ? List.of(new QuickReply("balance", "Check balance"))
                : spec.nextSteps();
        return replies.send(turn, spec.help() + (turn.user().linked() ? ""
                        : "\nSend *link* to connect your Flash account, or ask me anything."), next)
                .replaceWith(Handled.ok(CommandRegistry.ABOUT));
    }

    private Uni<Handled> help(Turn turn, Args args) {
        if (args.value() == null) {
            var menu = help.menu(turn.user().linked(), turn.adminNumber());
            return replies.send(turn, menu.body(), menu.quickReplies())
                    .replaceWith(Handled.ok(CommandRegistry.HELP));
        }
        var topic = help.topic(args.value(), turn.adminNumber());
        if (topic.isEmpty() && HelpTexts.isGreeting(turn.inbound().body())) {
            // "hi there", "hola amigo": a greeting, answered with the menu
            var menu = help.menu(turn.user().linked(), turn.adminNumber());
            return replies.send(turn, menu.body(), menu.quickReplies())
                    .replaceWith(Handled.ok(CommandRegistry.HELP));
        }
        if (topic.isEmpty()) {
            // "help me with my card" is a question, not a topic
            return askSupport(turn, turn.inbound().body());
        }
        return replies.send(turn, topic.get().body(), topic.get().quickReplies())
                .replaceWith(Handled.ok(CommandRegistry.HELP));
    }
}
