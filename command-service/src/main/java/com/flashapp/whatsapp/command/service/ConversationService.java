package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.admin.AdminService;
import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.command.handoff.HandoffRouter;
import com.flashapp.whatsapp.command.intent.Interpreter;
import com.flashapp.whatsapp.command.parser.CommandParser;
import com.flashapp.whatsapp.command.parser.LocaleGuesser;
import com.flashapp.whatsapp.command.parser.ParseResult;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.command.registry.CommandSpec;
import com.flashapp.whatsapp.command.repository.ExpectationRepository;
import com.flashapp.whatsapp.command.repository.OnceRepository;
import com.flashapp.whatsapp.command.telemetry.Outcome;
import com.flashapp.whatsapp.command.telemetry.Telemetry;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.support.VoiceNoteRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The command engine: for each inbound message, answers an open expectation or cancels it, then parses, checks
 * link and admin rights, and routes to the owning service (or answers here), recording telemetry.
 */
@ApplicationScoped
public class ConversationService {

    static final String CANCELLED = "OK, I've cancelled that.";
    static final String CODE_REPROMPT = "I need the 6-digit code from the Flash app — or reply *cancel*.";
    static final String NOTHING_WAITING = "Nothing is waiting for an answer. Send *help* to see what you can do.";
    static final String ENGLISH_FOR_NOW = "Entendí tu mensaje 👍 (I understand Spanish; my replies are in English "
            + "for now.)";
    private static final String FUZZY = "fuzzy:";
    /** A "Did you mean" of the intent layer: {@code intent:<typed command>\n<redacted phrasing>}. */
    private static final String INTENT = "intent:";
    private static final String SPANISH = "es";
    private static final String CHOOSE = "choose";
    private static final String VOICE = "voice";
    private static final int HEARD_MAX_CHARS = 300;

    private final CommandParser parser;
    private final CommandHandlers handlers;
    private final Replies replies;
    private final HelpTexts help;
    private final ExpectationRepository expectations;
    private final UserService users;
    private final AdminService admin;
    private final Telemetry telemetry;
    private final Publisher publisher;
    private final CommandConfig config;
    private final Interpreter interpreter;
    private final IntentLearning learning;
    private final OnceRepository once;
    private final Vertx vertx;
    private final ErasureService erasure;
    private final HandoffRouter handoff;

    public ConversationService(CommandParser parser, CommandHandlers handlers, Replies replies, HelpTexts help,
                               ExpectationRepository expectations, UserService users, AdminService admin,
                               Telemetry telemetry, Publisher publisher, CommandConfig config,
                               Interpreter interpreter, IntentLearning learning, OnceRepository once, Vertx vertx,
                               ErasureService erasure, HandoffRouter handoff) {
        this.erasure = erasure;
        this.handoff = handoff;
        this.interpreter = interpreter;
        this.learning = learning;
        this.once = once;
        this.vertx = vertx;
        this.parser = parser;
        this.handlers = handlers;
        this.replies = replies;
        this.help = help;
        this.expectations = expectations;
        this.users = users;
        this.admin = admin;
        this.telemetry = telemetry;
        this.publisher = publisher;
        this.config = config;
    }

    /** Keeps an owner's expectation until its expiry (capped); one per user, the newest wins. */
    public Uni<Void> expect(ConversationExpectation expectation) {
        var userRef = expectation.envelope().userRef();
        if (userRef == null || !publisher.publishesTo(expectation.ownerExchange())) {
            Log.warnf("Ignoring expectation %s: no user or unknown owner %s", expectation.expectationId(),
                    expectation.ownerExchange());
            return Uni.createFrom().voidItem();
        }
        var ttl = expectation.expiresAt() == null ? config.expectations().maxTtl()
                : Duration.between(Instant.now(), expectation.expiresAt());
        if (ttl.compareTo(config.expectations().maxTtl()) > 0) {
            ttl = config.expectations().maxTtl();
        }
        if (ttl.isNegative() || ttl.isZero()) {
            return Uni.createFrom().voidItem(); // already expired: the user's next message is a new one
        }
        return expectations.save(expectation, ttl);
    }

    /** Handles one message a user wrote. */
    public Uni<Void> onInbound(InboundMessage inbound) {
        var started = System.nanoTime();
        var userRef = inbound.envelope().userRef();
        if (userRef == null || inbound.from() == null) {
            Log.warnf("Dropping inbound %s without userRef or sender", inbound.envelope().messageId());
            return Uni.createFrom().voidItem();
        }
        return users.touch(userRef, admin.phoneLookup(inbound.phone()), inbound.envelope().messageId())
                .flatMap(user -> {
                    if (user.blocked()) {
                        return Uni.createFrom().item(new Handled("blocked", Outcome.BLOCKED));
                    }
                    // every attempt at this message reads what its first attempt found open (see begin)
                    return expectations.begin(userRef, inbound.envelope().messageId())
                            .flatMap(found -> handle(new Turn(inbound, user, admin.isAdminNumber(inbound.phone()),
                                    LocaleGuesser.guess(text(inbound), config.parser().defaultLocale()), found)));
                })
                .flatMap(handled -> handled.outcome() == Outcome.ERASED ? Uni.createFrom().voidItem()
                        : telemetry.record(userRef, handled.command(), handled.outcome(), started));
    }

    private Uni<Handled> handle(Turn turn) {
        var inbound = turn.inbound();
        var voiceNote = voiceNote(inbound);
        if (voiceNote != null) {
            return transcribe(turn, voiceNote);
        }
        // a voice note's words: the user sees what was understood before anything happens
        Uni<Void> heard = RoutingKeys.Inbound.VOICE.equals(inbound.envelope().type())
                ? replies.send(turn, heard(text(inbound)))
                : Uni.createFrom().voidItem();
        var open = turn.found().open();
        // an open support ticket (or an agent's command) takes the message before anything the bot was waiting for
        return heard.flatMap(ignored -> handoff.route(turn, text(inbound)))
                .flatMap(routed -> routed.isPresent() ? Uni.createFrom().item(routed.get())
                        : open == null ? fresh(turn, text(inbound)) : withExpectation(turn, open, text(inbound)));
    }

    private Uni<Handled> withExpectation(Turn turn, ConversationExpectation open, String text) {
        var local = Replies.LOCAL_OWNER.equals(open.ownerExchange());
        var answer = ExpectationMatcher.match(open, text);
        if (answer.isPresent()) {
            if (local) {
                return expectations.delete(turn.found()).flatMap(ignored -> answerLocal(turn, open, answer.get()));
            }
            // deleted only once the owner has the answer: a redelivery must not read the code as a new message
            return answerOwner(turn, open, answer.get())
                    .call(() -> expectations.delete(turn.found()));
        }
        if (RoutingKeys.Expect.CODE.equals(open.envelope().type()) && !ExpectationMatcher.isCancel(text)
                && !isCommand(interpreter.typed(text)) && !HandoffRouter.asksForHuman(text)) {
            // waiting for a code: a stray "yes" or question is met with the code prompt again, not a cancellation
            // followed by an answer to something else (two replies to one message); a command still cancels it
            // published without a menu of its own: the code prompt stays the open expectation
            return replies.publish(turn, CODE_REPROMPT, List.of(new QuickReply("cancel", "Cancel")))
                    .replaceWith(new Handled("code-reprompt", Outcome.OK));
        }
        var cleared = expectations.delete(turn.found());
        // our own menus and suggestions, and ai-support's optional follow-ups ("Was this helpful?"), simply lapse;
        // a pending code, confirmation or choice of a capability service is cancelled out loud
        // notification-service's consent question lapses too: no answer simply means no notifications
        var silent = local ? !open.context().startsWith(AdminService.CONTEXT)
                : Exchanges.SUPPORT_REQUESTS.equals(open.ownerExchange())
                || Exchanges.NOTIFICATION_REQUESTS.equals(open.ownerExchange());
        if (ExpectationMatcher.isCancel(text)) {
            return cleared.flatMap(ignored -> replies.send(turn, silent
                            ? "OK. Send *help* to see what you can do." : CANCELLED))
                    .replaceWith(new Handled(CommandRegistry.CANCEL, Outcome.CANCELLED));
        }
        if (silent) {
            return cleared.flatMap(ignored -> fresh(turn, text)); // a menu or suggestion simply lapses
        }
        return cleared.flatMap(ignored -> replies.send(turn, CANCELLED))
                .flatMap(ignored -> fresh(turn, text));
    }

    private Uni<Handled> answerOwner(Turn turn, ConversationExpectation open, String answer) {
        var kind = open.envelope().type();
        var message = new ConfirmationAnswer(turn.follow(RoutingKeys.Wallet.CONFIRMATION_ANSWER), turn.whatsapp(),
                open.expectationId(), kind, answer, open.context());
        return publisher.publish(open.ownerExchange(), message)
                .replaceWith(new Handled("answer." + kind, Outcome.ANSWERED));
    }

    private Uni<Handled> answerLocal(Turn turn, ConversationExpectation open, String answer) {
        var context = open.context();
        if (context.startsWith(INTENT)) {
            var parts = context.substring(INTENT.length()).split("\n", 2);
            if (ExpectationMatcher.isYes(answer)) {
                // the typed command the intent layer offered: read by the same parser as if the user had typed it
                return dispatch(turn, parser.parse(parts[0]), answer);
            }
            return learning.count(parts.length > 1 ? parts[1] : "", IntentLearning.DECLINED)
                    .flatMap(ignored -> replies.send(turn,
                            "OK. Tell me in other words, send *help* to see what you can do, or just ask me a question."))
                    .replaceWith(new Handled("intent", Outcome.CANCELLED));
        }
        if (context.startsWith(FUZZY)) {
            if (ExpectationMatcher.isYes(answer)) {
                return dispatch(turn, parser.parse(context.substring(FUZZY.length())), answer);
            }
            return replies.send(turn, "OK. Send *help* to see what you can do, or just ask me a question.")
                    .replaceWith(new Handled("fuzzy", Outcome.CANCELLED));
        }
        if (context.startsWith(AdminService.CONTEXT)) {
            return admin.verifyAndRun(turn, answer, context.substring(AdminService.CONTEXT.length()));
        }
        if (ErasureService.CONTEXT.equals(context)) {
            return erasure.answer(turn, ExpectationMatcher.isYes(answer));
        }
        // a numbered menu or list of suggestions: the option is a command
        return dispatch(turn, parser.parse(answer), answer);
    }

    private Uni<Handled> fresh(Turn turn, String text) {
        var inbound = turn.inbound();
        var card = contactCard(inbound);
        if (text.isBlank() && card != null) {
            return turn.user().linked() ? handlers.contactCard(turn, card.url())
                    : needsLink(turn, CommandRegistry.CONTACTS);
        }
        if (text.isBlank() && (!inbound.media().isEmpty() || inbound.location() != null)) {
            return replies.send(turn, "I can only read text messages and listen to voice notes for now. Send *help* to see what "
                    + "I can do.")
                    .replaceWith(Handled.ok("media"));
        }
        if (HandoffRouter.asksForHuman(text)) {
            // "talk to a human", "agent", the *Talk to a human* button: a ticket, not an AI answer
            return handoff.request(turn);
        }
        var meant = IntentLearning.corrected(text);
        if (meant != null) {
            // "no, I meant history": the phrasing we acted on is counted as corrected, and what they meant is read
            return learning.correction(turn.userRef()).flatMap(ignored -> fresh(turn, meant));
        }
        if ((ExpectationMatcher.isYes(text) || ExpectationMatcher.isNo(text)) && !ExpectationMatcher.isCancel(text)
                && !turn.user().firstContact()) {
            // a "yes", "no", "ok" or 👍 with nothing waiting for it (a second quick "yes" after a send): said so, with
            // the next steps, never taken as a question for AI support
            var menu = help.menu(turn.user().linked(), turn.adminNumber());
            return replies.send(turn, NOTHING_WAITING, menu.quickReplies())
                    .replaceWith(Handled.ok("nothing-waiting"));
        }
        var typed = interpreter.typed(text);
        var needsIntent = interpreter.needsIntent(text, typed);
        // the intent layer may run the embedding model (a few ms of CPU): on a worker, never on the event loop
        Uni<ParseResult> reading = needsIntent
                ? vertx.executeBlocking(() -> interpreter.understand(text, typed), false)
                : Uni.createFrom().item(typed);
        return reading.flatMap(result -> {
            var viaIntent = needsIntent && result != typed;
            if (turn.user().firstContact() && !CommandHandlers.optingOutOfInvites(turn)) {
                var welcome = help.welcome(inbound.profileName(), turn.user().linked(), turn.adminNumber());
                // "hi", "thanks" or "help" gets the welcome alone; anything else is also handled after it
                var greetingOnly = result instanceof ParseResult.Empty || result instanceof ParseResult.SmallTalk
                        || result instanceof ParseResult.Matched matched
                        && CommandRegistry.HELP.equals(matched.spec().name());
                var welcomed = replies.send(turn, welcome.body(), welcome.quickReplies());
                return greetingOnly ? welcomed.replaceWith(Handled.ok("welcome"))
                        : welcomed.flatMap(ignored -> understood(turn, result, text, viaIntent));
            }
            return understood(turn, result, text, viaIntent);
        });
    }

    /**
     * A reading from the intent layer: said once in English if the request was Spanish, remembered for a
     * correction, offered as "Did you mean" in its own words; then handled as any other.
     */
    private Uni<Handled> understood(Turn turn, ParseResult result, String text, boolean viaIntent) {
        var understoodAction = !(result instanceof ParseResult.Unmatched) && !(result instanceof ParseResult.Empty);
        Uni<Void> notice = Uni.createFrom().voidItem();
        if (SPANISH.equals(turn.locale()) && understoodAction) {
            notice = once.firstTime(turn.userRef(), "english-replies", config.intent().noticeTtl(),
                            turn.inbound().envelope().messageId())
                    .onFailure().recoverWithItem(false)
                    .flatMap(first -> first ? replies.send(turn, ENGLISH_FOR_NOW)
                            : Uni.createFrom().voidItem());
        }
        if (!viaIntent) {
            return notice.flatMap(ignored -> dispatch(turn, result, text));
        }
        if (result instanceof ParseResult.Suggestion suggestion && suggestion.candidates().size() == 1) {
            return notice.flatMap(ignored -> suggestIntent(turn, suggestion, text));
        }
        if (result instanceof ParseResult.Unmatched) {
            return learning.count(text, IntentLearning.FELL_THROUGH).flatMap(ignored -> dispatch(turn, result, text));
        }
        return notice.flatMap(ignored -> learning.actedOn(turn.userRef(), text))
                .flatMap(ignored -> dispatch(turn, result, text));
    }

    /** "Did you mean *send 5 usd to @bob*? Reply YES": YES runs that typed command, NO is counted as declined. */
    private Uni<Handled> suggestIntent(Turn turn, ParseResult.Suggestion suggestion, String text) {
        var inbound = turn.inbound();
        var command = suggestion.corrected(suggestion.candidates().get(0));
        var phrase = com.flashapp.whatsapp.command.intent.PhraseRedactor.redact(text).orElse("");
        return replies.publish(turn, "Did you mean *" + command + "*? Reply YES",
                        List.of(new QuickReply("yes", "Yes"), new QuickReply("no", "No")))
                .flatMap(ignored -> replies.expect(turn, RoutingKeys.Expect.CONFIRMATION,
                        INTENT + command + "\n" + phrase, List.of()))
                .replaceWith(new Handled("intent", Outcome.FUZZY_SUGGESTION));
    }

    private Uni<Handled> dispatch(Turn turn, ParseResult result, String text) {
        if (result instanceof ParseResult.Matched matched) {
            var spec = matched.spec();
            if (spec.adminOnly()) {
                // to anyone else "admin …" is just an unknown message
                return turn.adminNumber() ? admin.handle(turn, matched.args()) : handlers.askSupport(turn, text);
            }
            if (spec.needsLink() && !turn.user().linked()) {
                return needsLink(turn, spec);
            }
            return handlers.handle(turn, spec, matched.args());
        }
        if (result instanceof ParseResult.Invalid invalid) {
            if (invalid.spec().adminOnly() && !turn.adminNumber()) {
                return handlers.askSupport(turn, text);
            }
            var next = List.of(new QuickReply("help " + invalid.spec().name(), "Help: " + invalid.spec().name()));
            return replies.send(turn, invalid.message(), next)
                    .replaceWith(new Handled(invalid.spec().name(), Outcome.PARSE_ERROR));
        }
        if (result instanceof ParseResult.Suggestion suggestion) {
            return suggest(turn, suggestion);
        }
        if (result instanceof ParseResult.Unmatched unmatched) {
            return handlers.askSupport(turn, unmatched.text());
        }
        if (result instanceof ParseResult.SmallTalk smallTalk) {
            var reply = help.smallTalk(smallTalk.kind(), turn.inbound().profileName(), turn.user().linked());
            return replies.send(turn, reply.body(), reply.quickReplies())
                    .replaceWith(Handled.ok(com.flashapp.whatsapp.command.intent.Labels.SMALL_TALK));
        }
        var menu = help.menu(turn.user().linked(), turn.adminNumber());
        return replies.send(turn, menu.body(), menu.quickReplies()).replaceWith(Handled.ok("empty"));
    }

    private Uni<Handled> needsLink(Turn turn, CommandSpec spec) {
        return needsLink(turn, spec.name());
    }

    private Uni<Handled> needsLink(Turn turn, String command) {
        var body = "To use *" + command + "* you need to link your Flash account first. Send *link* to start "
                + "– it takes a minute.";
        return replies.send(turn, body,
                        List.of(new QuickReply("link", "Link my account"), new QuickReply("help", "Help")))
                .replaceWith(new Handled(command, Outcome.NEEDS_LINK));
    }

    private Uni<Handled> suggest(Turn turn, ParseResult.Suggestion suggestion) {
        var inbound = turn.inbound();
        var handled = new Handled("fuzzy", Outcome.FUZZY_SUGGESTION);
        if (suggestion.candidates().size() == 1) {
            var spec = suggestion.candidates().get(0);
            var body = "Did you mean *" + suggestion.corrected(spec) + "*? Reply YES";
            return replies.publish(turn, body, List.of(new QuickReply("yes", "Yes"), new QuickReply("no", "No")))
                    .flatMap(ignored -> replies.expect(turn, RoutingKeys.Expect.CONFIRMATION,
                            FUZZY + suggestion.corrected(spec), List.of()))
                    .replaceWith(handled);
        }
        var body = new StringBuilder("Did you mean:");
        var options = new ArrayList<String>();
        var buttons = new ArrayList<QuickReply>();
        for (var spec : suggestion.candidates()) {
            var corrected = suggestion.corrected(spec);
            options.add(corrected);
            buttons.add(new QuickReply(corrected, spec.name()));
            body.append("\n").append(options.size()).append(". *").append(spec.name()).append("* – ")
                    .append(spec.summary());
        }
        body.append("\nReply with the number.");
        return replies.publish(turn, body.toString(), buttons)
                .flatMap(ignored -> replies.expect(turn, RoutingKeys.Expect.CHOICE, CHOOSE, options))
                .replaceWith(handled);
    }

    /** Whether a reading names one of our commands (well formed or not, or one close enough to suggest). */
    private static boolean isCommand(ParseResult result) {
        return result instanceof ParseResult.Matched || result instanceof ParseResult.Invalid
                || result instanceof ParseResult.Suggestion;
    }

    /**
     * A voice note goes to ai-support-service (the only Maple caller) to be transcribed; its words come back as
     * {@code message.voice} and are handled then, as typed. An open expectation is left alone meanwhile, so a spoken
     * code can answer a code prompt. A first-time user is welcomed now, as for a first typed message (its buttons
     * remembered as no menu, so they leave that expectation alone too).
     */
    private Uni<Handled> transcribe(Turn turn, InboundMessage.Media audio) {
        var inbound = turn.inbound();
        var request = new VoiceNoteRequest(turn.follow(RoutingKeys.Support.VOICE_TRANSCRIBE), inbound.from(),
                inbound.phone(), inbound.profileName(), inbound.messageSid(), audio.url(), audio.contentType(),
                inbound.receivedAt());
        Uni<Void> welcomed = Uni.createFrom().voidItem();
        if (turn.user().firstContact()) {
            var welcome = help.welcome(inbound.profileName(), turn.user().linked(), turn.adminNumber());
            // buttons without a numbered menu: the user's open expectation (a code prompt) must wait for the words
            var buttons = welcome.quickReplies().stream().limit(Replies.MAX_QUICK_REPLIES).toList();
            welcomed = replies.publish(turn, welcome.body(), buttons);
        }
        return welcomed.flatMap(ignored -> publisher.publish(Exchanges.SUPPORT_REQUESTS, request))
                .replaceWith(new Handled(VOICE, Outcome.ROUTED_TO_AI));
    }

    /** The audio attachment of a voice note (media, no text), or null. */
    static InboundMessage.Media voiceNote(InboundMessage inbound) {
        if (!RoutingKeys.Inbound.MEDIA.equals(inbound.envelope().type()) || !text(inbound).isBlank()) {
            return null;
        }
        return inbound.media().stream()
                .filter(m -> m.contentType() != null && m.contentType().startsWith("audio/"))
                .findFirst().orElse(null);
    }

    /** A shared contact card ({@code text/vcard} or {@code text/x-vcard} media), or null. */
    static InboundMessage.Media contactCard(InboundMessage inbound) {
        return inbound.media().stream()
                .filter(m -> m.contentType() != null && m.url() != null
                        && m.contentType().toLowerCase(java.util.Locale.ROOT).matches("text/(x-)?vcard(;.*)?"))
                .findFirst().orElse(null);
    }

    /** "🎙️ I heard: “…”", cut to a readable length (the whole words are handled all the same). */
    static String heard(String words) {
        var shown = words.length() > HEARD_MAX_CHARS ? words.substring(0, HEARD_MAX_CHARS - 1).stripTrailing() + "…"
                : words;
        return "🎙️ I heard: “" + shown + "”";
    }

    /** A tapped quick reply is the command it stands for; otherwise the text. */
    private static String text(InboundMessage inbound) {
        if (inbound.buttonPayload() != null && !inbound.buttonPayload().isBlank()) {
            return inbound.buttonPayload();
        }
        return inbound.body() == null ? "" : inbound.body();
    }
}
