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
import com.flashapp.whatsapp.contracts.support.SpeechRequest;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.support.VoicePreferenceUpdate;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountUnlinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountVerifyRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ContactCommand;
import com.flashapp.whatsapp.contracts.wallet.InviteCommand;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
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

    /** The context ai-support-service reads as {@code ai on/off} (its AiConsentService.COMMAND_CONTEXT). */
    static final String AI_CONSENT_CONTEXT = "ai-consent:command";
    static final String AI_EXPLAINED = "I answer questions from our help notes. With your OK I can also answer with "
            + "Maple AI, a third-party AI model (your question goes to it without numbers or names). Send *ai on* to "
            + "use Maple AI or *ai off* for the help notes only.";
    /** What each service keeps (docs/data-lifecycle.md), in a user's words. */
    static final String PRIVACY = """
            🔒 *What this chat keeps about you*
            • Your number as a keyed code; the number itself only where a message must reach you (encrypted for             payment notifications; with each message sent, for 30 days).
            • If linked: your Flash account id, username, currency and language, and your Flash login (encrypted).
            • Your notification settings and your yes/no to payment notifications and to Maple AI, with when and             which wording you saw.
            • Questions you asked, with numbers and names removed (30 days), your 👍/👎, and a short memory of the             chat (encrypted, gone after 30 idle minutes).
            • Payments we told you about (90 days) and which commands you used (no message text).
            Maple AI sees your questions only if you said yes (*ai on* / *ai off*); *notifications off* stops payment             messages.
            To erase all of it, send *delete my data*.""";

    private final Publisher publisher;
    private final UserService users;
    private final Replies replies;
    private final HelpTexts help;
    private final CommandRegistry registry;
    private final Map<String, Handler> handlers;

    public CommandHandlers(Publisher publisher, UserService users, Replies replies, HelpTexts help,
                           CommandRegistry registry, ErasureService erasure) {
        this.publisher = publisher;
        this.users = users;
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
                Map.entry(CommandRegistry.CONTACTS, this::contacts),
                Map.entry(CommandRegistry.SAVE_CONTACT, this::contacts),
                Map.entry(CommandRegistry.DELETE_CONTACT, this::contacts),
                Map.entry(CommandRegistry.INVITES, this::invites),
                Map.entry(CommandRegistry.CANCEL_INVITE, this::invites),
                Map.entry(CommandRegistry.NOTIFICATIONS, this::notifications),
                Map.entry(CommandRegistry.SUPPORT, this::support),
                Map.entry(CommandRegistry.ABOUT, this::about),
                Map.entry(CommandRegistry.HELP, this::help),
                Map.entry(CommandRegistry.VOICE, this::voice),
                Map.entry(CommandRegistry.ERASE, (t, a) -> erasure.ask(t)),
                Map.entry(CommandRegistry.AI, this::aiConsent),
                Map.entry(CommandRegistry.PRIVACY, (t, a) -> replies.send(t, PRIVACY, nextSteps(CommandRegistry.PRIVACY))
                        .replaceWith(Handled.ok(CommandRegistry.PRIVACY))),
                Map.entry(CommandRegistry.CANCEL, (t, a) -> optingOutOfInvites(t)
                        // a number nobody linked (one an invite messaged) saying "stop": balance-service records it
                        ? wallet(CommandRegistry.CANCEL, new InviteCommand(t.follow(RoutingKeys.Wallet.INVITE_MANAGE),
                                t.whatsapp(), InviteCommand.Action.STOP, null))
                        : replies.send(t, "There's nothing to cancel right now. Send *help* to see what you can do.",
                                        nextSteps(CommandRegistry.CANCEL))
                                .replaceWith(Handled.ok(CommandRegistry.CANCEL))));
    }

    /**
     * "stop" with nothing to cancel from a number not linked here: what an invited number says to be left alone
     * (WhatsApp's opt-out word), so it is an invite opt-out rather than "nothing to cancel".
     */
    static boolean optingOutOfInvites(Turn turn) {
        var body = turn.inbound().body();
        return !turn.user().linked() && body != null && STOP.equalsIgnoreCase(body.strip());
    }

    private static final String STOP = "stop";

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

    /** Saved contacts are balance-service's (it resolves every recipient): parsed here, handed over. */
    private Uni<Handled> contacts(Turn turn, Args args) {
        var option = args.option() == null ? "list" : args.option();
        var action = switch (option) {
            case "save" -> ContactCommand.Action.SAVE;
            case "delete" -> ContactCommand.Action.DELETE;
            default -> ContactCommand.Action.LIST;
        };
        return wallet(CommandRegistry.CONTACTS, new ContactCommand(turn.follow(RoutingKeys.Wallet.CONTACT_MANAGE),
                turn.whatsapp(), action, args.value(), args.recipient() == null ? null : args.recipient().value(),
                null));
    }

    /** Invites (money to a number nobody linked) are balance-service's payments: parsed here, handed over. */
    private Uni<Handled> invites(Turn turn, Args args) {
        var cancel = "cancel".equals(args.option());
        return wallet(cancel ? CommandRegistry.CANCEL_INVITE : CommandRegistry.INVITES, new InviteCommand(
                turn.follow(RoutingKeys.Wallet.INVITE_MANAGE), turn.whatsapp(),
                cancel ? InviteCommand.Action.CANCEL : InviteCommand.Action.LIST, cancel ? args.number() : null));
    }

    /** A shared contact card (vCard media): balance-service downloads and reads it, then asks "Save …?". */
    public Uni<Handled> contactCard(Turn turn, String vcardUrl) {
        return wallet(CommandRegistry.CONTACTS, new ContactCommand(turn.follow(RoutingKeys.Wallet.CONTACT_MANAGE),
                turn.whatsapp(), ContactCommand.Action.SAVE, null, null, vcardUrl));
    }

    /**
     * {@code ai on/off}: ai-support-service owns the choice and records it; it gets the same message as an answer to
     * its consent notice, with context {@value #AI_CONSENT_CONTEXT} (documented in contracts/README.md).
     */
    private Uni<Handled> aiConsent(Turn turn, Args args) {
        if (args.option() == null) {
            return replies.send(turn, AI_EXPLAINED, List.of(new QuickReply("ai on", "Use Maple AI"),
                            new QuickReply("ai off", "Help notes only")))
                    .replaceWith(Handled.ok(CommandRegistry.AI));
        }
        var answer = new ConfirmationAnswer(turn.follow(RoutingKeys.Support.CONFIRMATION_ANSWER), turn.whatsapp(),
                null, "command", args.option(), AI_CONSENT_CONTEXT);
        return publisher.publish(Exchanges.SUPPORT_REQUESTS, answer).replaceWith(Handled.ok(CommandRegistry.AI));
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
            return helpText(turn, help.menu(turn.user().linked(), turn.adminNumber()));
        }
        var topic = help.topic(args.value(), turn.adminNumber());
        if (topic.isEmpty() && HelpTexts.isGreeting(turn.inbound().body())) {
            // "hi there", "hola amigo": a greeting, answered with the menu
            return helpText(turn, help.menu(turn.user().linked(), turn.adminNumber()));
        }
        if (topic.isEmpty()) {
            // "help me with my card" is a question, not a topic
            return askSupport(turn, turn.inbound().body());
        }
        return helpText(turn, topic.get());
    }

    /**
     * Sends a help text, then, if the user ever asked for voice replies, hands it to ai-support-service to be spoken
     * too: ai-support owns the preference and drops the request when voice is off. A user who never said "voice on"
     * has it off (the default), so their help costs no speech request.
     */
    private Uni<Handled> helpText(Turn turn, HelpTexts.Text text) {
        var sent = replies.send(turn, text.body(), text.quickReplies());
        if (!turn.user().voiceAsked()) {
            return sent.replaceWith(Handled.ok(CommandRegistry.HELP));
        }
        return sent.flatMap(x -> publisher.publish(Exchanges.SUPPORT_REQUESTS,
                        new SpeechRequest(turn.follow(RoutingKeys.Support.SPEECH), turn.whatsapp(), text.body())))
                .replaceWith(Handled.ok(CommandRegistry.HELP));
    }

    /** "voice on" / "voice off" / "voice": ai-support-service owns the preference and answers the user. */
    private Uni<Handled> voice(Turn turn, Args args) {
        var enabled = args.option() == null ? null : "on".equals(args.option());
        // remembered before the update goes out, so a help text right after "voice on" is offered to be spoken
        var remembered = Boolean.TRUE.equals(enabled) ? users.voiceAsked(turn.user().userRef())
                : Uni.createFrom().voidItem();
        return remembered.flatMap(x -> publisher.publish(Exchanges.SUPPORT_REQUESTS, new VoicePreferenceUpdate(
                        turn.follow(RoutingKeys.Support.VOICE_PREFERENCE), turn.whatsapp(), enabled)))
                .replaceWith(Handled.ok(CommandRegistry.VOICE));
    }
}
