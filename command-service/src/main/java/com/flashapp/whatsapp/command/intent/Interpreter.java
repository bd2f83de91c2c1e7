package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.parser.CommandParser;
import com.flashapp.whatsapp.command.parser.Grammars;
import com.flashapp.whatsapp.command.parser.ParseResult;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.command.registry.CommandSpec;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a message means, typed or natural. The typed parser goes first (exact commands, aliases and small typos
 * behave as before); what it cannot read goes to the intent layer, whose answer is always expressed as the text of
 * a typed command and read back by the same parser. So the intent layer can only ever produce what a typed
 * command produces, and a payment still goes to balance-service as a {@code payment.send} request, which answers
 * with its confirmation card (and MFA) before any money moves.
 *
 * <p>Sure and harmless (balance, price, history, receive, help, link, about, listing requests, showing the
 * notification settings) or money with its card (send): done at once. Sure but changing something without a card
 * of its own (a payment request to someone, notification settings) or unsure: "Did you mean …? Reply YES".
 */
public final class Interpreter {

    private static final Set<String> LIST_WORDS = Set.of("list", "open", "pending", "my", "who");
    private static final Set<String> OFF_WORDS = Set.of("off", "stop", "mute", "not", "dont", "don't", "disable");
    private static final Set<String> ON_WORDS = Set.of("on", "enable", "start");
    private static final Set<String> GREETINGS = Set.of("hi", "hello", "hey", "hiya", "yo", "sup", "wassup",
            "gwan", "morning", "afternoon", "evening", "gm", "buenos", "buenas");

    private final CommandParser parser;
    private final CommandRegistry registry;
    private final IntentClassifier classifier;

    public Interpreter(CommandParser parser, CommandRegistry registry, IntentClassifier classifier) {
        this.parser = parser;
        this.registry = registry;
        this.classifier = classifier;
    }

    /** The typed parser's reading: fast, never blocks. */
    public ParseResult typed(String text) {
        return parser.parse(text);
    }

    /** Whether {@link #understand} has anything to add to the typed reading (it may then block on the model). */
    public boolean needsIntent(String text, ParseResult typed) {
        return typed instanceof ParseResult.Unmatched || typed instanceof ParseResult.Invalid
                || typed instanceof ParseResult.Suggestion
                || typed instanceof ParseResult.Empty && !(text == null || text.isBlank())
                || isGreeting(text, typed) || isFreeText(typed);
    }

    /** Both steps at once (blocking): for tests, tools and the benchmark. */
    public ParseResult interpret(String text) {
        var typed = typed(text);
        return needsIntent(text, typed) ? understand(text, typed) : typed;
    }

    /** The final reading of a message the typed parser could not read as a command (blocking: the model). */
    public ParseResult understand(String text, ParseResult typed) {
        if (isGreeting(text, typed)) {
            return new ParseResult.SmallTalk(smallTalkKind(Words.of(text)));
        }
        var intent = classifier.classify(text);
        var sureCommand = intent.confidence() == Intent.Confidence.SURE && Labels.isCommand(intent.label());
        if (typed instanceof ParseResult.Suggestion suggestion) {
            // a typo's single suggestion stands ("balnace": Did you mean balance?); a sure intent settles a list
            // or overrules a suggestion of another command ("recent payments" is not "receive")
            var same = suggestion.candidates().size() == 1
                    && suggestion.candidates().get(0).name().equals(intent.label());
            return sureCommand && !same ? fromIntent(text, intent) : typed;
        }
        if (isFreeText(typed)) {
            // "ask @bob for 5" starts with a support alias but is a payment request
            return sureCommand ? fromIntent(text, intent) : typed;
        }
        if (typed instanceof ParseResult.Invalid invalid) {
            // "send me the price" means another command; "send five dollars to @maria" is read by the intent
            // layer where the typed grammar could not; otherwise the typed command's own error stands
            if (!sureCommand) {
                return typed;
            }
            var understood = fromIntent(text, intent);
            var other = !intent.label().equals(invalid.spec().name());
            return other || understood instanceof ParseResult.Matched ? understood : typed;
        }
        if (typed instanceof ParseResult.Empty) {
            return Labels.SMALL_TALK.equals(intent.label()) && intent.confidence() == Intent.Confidence.SURE
                    ? new ParseResult.SmallTalk(smallTalkKind(Words.of(text))) : typed;
        }
        return fromIntent(text, intent);
    }

    /** The intent as a parse result: the typed command it stands for, a suggestion, small talk or a question. */
    public ParseResult fromIntent(String text, Intent intent) {
        var cleaned = text == null ? "" : text.strip();
        if (intent.confidence() == Intent.Confidence.NONE || Labels.QUESTION.equals(intent.label())) {
            return new ParseResult.Unmatched(cleaned);
        }
        if (Labels.SMALL_TALK.equals(intent.label())) {
            return intent.confidence() == Intent.Confidence.SURE
                    ? new ParseResult.SmallTalk(smallTalkKind(Words.of(text))) : new ParseResult.Unmatched(cleaned);
        }
        var spec = registry.byName(intent.label()).orElseThrow();
        var command = command(spec, Words.of(text), intent.slots());
        if (command == null) {
            // the command is clear but what it needs is not: the same answer as the typed command without it
            return new ParseResult.Invalid(spec, usage(spec));
        }
        var direct = intent.confidence() == Intent.Confidence.SURE && actsAtOnce(spec, command);
        if (!direct) {
            var rest = command.equals(spec.name()) ? "" : command.substring(spec.name().length() + 1);
            return new ParseResult.Suggestion(List.of(spec), rest);
        }
        return parser.parse(command);
    }

    /** Harmless commands and sends (whose card is the confirmation) run at once; the rest are confirmed first. */
    private static boolean actsAtOnce(CommandSpec spec, String command) {
        return switch (spec.name()) {
            case CommandRegistry.REQUEST -> command.equals("request list");
            case CommandRegistry.NOTIFICATIONS -> command.equals(CommandRegistry.NOTIFICATIONS);
            default -> true;
        };
    }

    /** The typed command for a label and slots; null when a slot it cannot do without is missing. */
    String command(CommandSpec spec, Words words, Slots slots) {
        return switch (spec.name()) {
            case CommandRegistry.SEND -> send(slots);
            case CommandRegistry.REQUEST -> request(words, slots);
            case CommandRegistry.RECEIVE -> slots.amount() == null ? "receive" : "receive " + amount(slots.amount());
            case CommandRegistry.PRICE -> slots.currency() == null ? "price" : "price " + slots.currency();
            case CommandRegistry.HISTORY -> slots.count() != null && slots.count() >= 1 && slots.count() <= 50
                    ? "history " + slots.count() : "history";
            case CommandRegistry.NOTIFICATIONS -> words.hasAny(OFF_WORDS) ? "notifications off"
                    : words.hasAny(ON_WORDS) || words.has("me") ? "notifications on" : "notifications";
            default -> spec.name();
        };
    }

    private static String send(Slots slots) {
        var to = slots.recipient();
        if (to == null) {
            return null;
        }
        if (to.kind() == Recipient.Kind.LIGHTNING_INVOICE) {
            return "pay " + to.value() + (slots.amount() == null ? "" : " " + amount(slots.amount()));
        }
        // without an amount the parser answers "How much?", as it does to a typed "send to @maria"
        return "send " + (slots.amount() == null ? "" : amount(slots.amount()) + " ") + "to " + recipient(to);
    }

    private static String request(Words words, Slots slots) {
        if (words.has("cancel") && slots.count() == null && slots.amount() != null) {
            return "request cancel " + slots.amount().value().toPlainString();
        }
        if (slots.recipient() == null && slots.amount() == null && words.hasAny(LIST_WORDS)) {
            return "request list";
        }
        if (slots.recipient() == null || slots.recipient().kind() == Recipient.Kind.LIGHTNING_INVOICE) {
            return null;
        }
        if (slots.amount() == null) {
            return null;
        }
        return "request " + amount(slots.amount()) + " from " + recipient(slots.recipient());
    }

    private static String usage(CommandSpec spec) {
        return switch (spec.name()) {
            case CommandRegistry.SEND -> Grammars.SEND_USAGE;
            case CommandRegistry.REQUEST -> Grammars.REQUEST_USAGE;
            default -> spec.help();
        };
    }

    static String amount(Amount amount) {
        return amount.value().toPlainString() + " " + amount.unit().toLowerCase(Locale.ROOT);
    }

    static String recipient(Recipient recipient) {
        return recipient.kind() == Recipient.Kind.USERNAME ? "@" + recipient.value() : recipient.value();
    }

    /** "hi", "hello there": the help alias, but only greeting words: small talk, not the whole menu. */
    private static boolean isGreeting(String text, ParseResult typed) {
        if (!(typed instanceof ParseResult.Matched matched) || !CommandRegistry.HELP.equals(matched.spec().name())) {
            return false;
        }
        var words = Words.of(text);
        return !words.isEmpty() && words.hasAny(GREETINGS)
                && words.words().stream().allMatch(PatternMatcher.SMALL_TALK::contains);
    }

    /** A command whose argument is free text (support): its alias may start a sentence that means more. */
    private static boolean isFreeText(ParseResult typed) {
        return typed instanceof ParseResult.Matched matched && CommandRegistry.SUPPORT.equals(matched.spec().name())
                && matched.args().value() != null;
    }

    /** Which friendly reply small talk gets. */
    public static String smallTalkKind(Words words) {
        if (words.hasAny(Set.of("thanks", "appreciate", "bless", "blessings", "respect", "cheers"))) {
            return "thanks";
        }
        if (words.hasAny(Set.of("bye", "later", "goodbye", "gn", "night")) || words.hasPair("see", "you")
                || words.hasPair("little", "more")) {
            return "bye";
        }
        if (words.hasAny(GREETINGS) || words.has("how")) {
            return "greeting";
        }
        return "ack";
    }

    /** The label a reading stands for, for the dataset test and telemetry. */
    public static String label(ParseResult result) {
        if (result instanceof ParseResult.Matched matched) {
            return matched.spec().name();
        }
        if (result instanceof ParseResult.Invalid invalid) {
            return invalid.spec().name();
        }
        if (result instanceof ParseResult.Suggestion suggestion) {
            return suggestion.candidates().get(0).name();
        }
        if (result instanceof ParseResult.SmallTalk) {
            return Labels.SMALL_TALK;
        }
        if (result instanceof ParseResult.Empty) {
            return CommandRegistry.HELP;
        }
        return Labels.QUESTION;
    }
}
