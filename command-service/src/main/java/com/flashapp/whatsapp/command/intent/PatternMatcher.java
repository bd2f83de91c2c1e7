package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.contracts.Recipient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The common shapes, by rule: small talk, money with a recipient ("sen 5 dolla to @bob", "3 to @kim", "@joe owe mi
 * 5"), "how much … have" (balance) against "how much is … bitcoin" (price), and one cue word per command. A rule
 * is sure only when nothing in the message points elsewhere; otherwise it is a guess the semantic matcher may
 * confirm or overrule.
 */
public final class PatternMatcher {

    /** A label, and whether the rule is sure of it. */
    public record Guess(String label, boolean sure) {
    }

    static final Set<String> SMALL_TALK = Set.of("thanks", "you", "so", "much", "very", "hi", "hello", "hey",
            "hiya", "yo", "sup", "wassup", "morning", "good", "afternoon", "evening", "night", "gm", "gn", "ok",
            "cool", "nice", "great", "awesome", "perfect", "bye", "later", "see", "lol", "respect", "bless",
            "blessings", "big", "up", "what", "gwan", "how", "are", "doing", "buenos", "buenas", "dias", "tardes",
            "noches", "muchas", "little", "more", "man", "boss", "fam", "bro", "sis", "again", "alot", "lot", "a",
            "appreciate", "it", "nuff", "one", "love", "goodbye", "cheers", "yes", "yeah", "sure", "got",
            "understood", "noted", "bet", "aye", "wow", "haha", "hehe", "lmao", "welcome", "there", "dear",
            "thankful", "thanx", "your", "help", "day", "have", "bien", "todo", "tal", "como", "estas");
    /** Small-talk words that make a message small talk on their own ("good" alone is not enough). */
    private static final Set<String> SMALL_TALK_CORE = Set.of("thanks", "hi", "hello", "hey", "hiya", "yo", "sup",
            "wassup", "morning", "afternoon", "evening", "night", "gm", "gn", "ok", "cool", "nice", "great",
            "awesome", "perfect", "bye", "later", "lol", "respect", "bless", "blessings", "gwan", "buenos",
            "buenas", "cheers", "appreciate", "wow", "haha", "hehe", "lmao", "noted", "understood", "bet",
            "goodbye", "yes", "yeah", "sure", "thanx", "tal", "estas");

    private static final Set<String> SEND_VERBS = Set.of("send", "pay", "give", "transfer", "tip", "zap", "wire",
            "shoot", "gimme");
    private static final Set<String> REQUEST_CUES = Set.of("request", "charge", "bill", "collect", "owe", "owes",
            "ask");
    private static final Set<String> ME = Set.of("me", "my");
    private static final Set<String> QUESTION_CUES = Set.of("why", "failed", "fail", "pending", "wrong", "fee",
            "fees", "safe", "legal", "limit", "crash", "crashing", "pin", "lost", "lose", "happened", "happen",
            "problem", "issue", "error", "stuck", "reach", "didnt", "didn't", "not", "cant", "can't", "working",
            "broken", "difference", "loan", "merchant", "bank", "withdraw", "buy", "spend", "back", "refund",
            "owns", "speak", "change", "forgot");
    private static final Set<String> HAVE = Set.of("have", "got", "left", "own", "hold");
    private static final Set<String> PRICE_OBJECTS = Set.of("bitcoin", "sat");

    private static final Map<String, Set<String>> CUES = new LinkedHashMap<>();

    static {
        CUES.put(CommandRegistry.BALANCE, Set.of("balance", "wallet", "broke"));
        CUES.put(CommandRegistry.PRICE, Set.of("price", "rate", "worth", "value", "cost", "exchange"));
        CUES.put(CommandRegistry.HISTORY, Set.of("history", "transaction", "statement", "activity", "spend",
                "payment", "sent", "received"));
        CUES.put(CommandRegistry.RECEIVE, Set.of("receive", "invoice", "qr", "deposit", "paid", "topup"));
        CUES.put(CommandRegistry.SEND, SEND_VERBS);
        CUES.put(CommandRegistry.REQUEST, REQUEST_CUES);
        CUES.put(CommandRegistry.LINK, Set.of("link", "connect", "login", "hook"));
        CUES.put(CommandRegistry.UNLINK, Set.of("unlink", "disconnect", "logout", "remove"));
        CUES.put(CommandRegistry.NOTIFICATIONS, Set.of("notifications", "quiet", "mute"));
        CUES.put(CommandRegistry.HELP, Set.of("help", "menu", "commands", "options"));
        CUES.put(CommandRegistry.CANCEL, Set.of("cancel", "nevermind", "abort"));
    }

    private PatternMatcher() {
    }

    public static Optional<Guess> match(Words message, Slots slots) {
        if (message.isEmpty()) {
            return Optional.empty();
        }
        if (message.words().stream().allMatch(w -> w.isEmpty() || SMALL_TALK.contains(w))
                && message.hasAny(SMALL_TALK_CORE)) {
            return sure(Labels.SMALL_TALK);
        }
        var question = isQuestion(message);
        var money = money(message, slots, question);
        if (money.isPresent()) {
            return money;
        }
        if (howMuch(message)) {
            if (message.hasAny(HAVE)) {
                return guess(CommandRegistry.BALANCE, !question);
            }
            if (message.hasAny(PRICE_OBJECTS) || slots.amount() != null) {
                return guess(CommandRegistry.PRICE, !question);
            }
        }
        if (message.has("bitcoin") && (slots.currency() != null || message.has("at") || message.has("up"))) {
            return guess(CommandRegistry.PRICE, !question);
        }
        if (message.hasPair("what", "is") && message.has("flash") || message.hasPair("who", "are")
                || message.hasPair("what", "flash")) {
            return guess(CommandRegistry.ABOUT, !question);
        }
        if (message.hasAny(CUES.get(CommandRegistry.NOTIFICATIONS))) {
            return guess(CommandRegistry.NOTIFICATIONS, !question);
        }
        if (message.has("money") && message.hasAny(HAVE) && !message.hasAny(SEND_VERBS)) {
            return guess(CommandRegistry.BALANCE, !question);
        }
        if (message.size() <= 3 && message.hasPair("what", "this") || message.hasPair("little", "more")) {
            return guess(message.has("more") ? Labels.SMALL_TALK : CommandRegistry.ABOUT, true);
        }
        if (message.hasPair("get", "paid") || message.hasPair("get", "pay")
                || message.hasPair("pay", "me") && slots.recipient() == null) {
            return guess(CommandRegistry.RECEIVE, !question);
        }
        if (message.hasPair("log", "in") || message.hasPair("sign", "in")) {
            return guess(CommandRegistry.LINK, !question);
        }
        if (message.hasPair("log", "out") || message.hasPair("sign", "out") || message.hasNear("log", ME, 1)) {
            return guess(CommandRegistry.UNLINK, !question);
        }
        if (message.hasPair("top", "up")) {
            return guess(CommandRegistry.RECEIVE, !question);
        }
        // a question that merely mentions a command's word ("what is the difference between the wallets") is
        // left to the semantic matcher
        return question ? Optional.empty() : byCueWords(message);
    }

    /** Words that make a message read as a question about something rather than a request to do it. */
    public static boolean isQuestion(Words message) {
        return message.hasAny(QUESTION_CUES) || message.hasPair("how", "do") || message.hasPair("how", "to");
    }

    /** Money with a recipient, or a send verb: send or request. */
    private static Optional<Guess> money(Words message, Slots slots, boolean question) {
        var recipient = slots.recipient();
        var sendVerb = message.hasAny(SEND_VERBS);
        var requestCue = message.hasAny(REQUEST_CUES) || "from".equals(slots.recipientWord())
                || message.hasNear("pay", ME, 1) && recipient != null;
        if (recipient == null || question && !sendVerb && !requestCue) {
            // "why is my payment to @marcus pending" mentions a payment; it asks about one
            return Optional.empty();
        }
        if (recipient.kind() == Recipient.Kind.LIGHTNING_INVOICE) {
            return guess(CommandRegistry.SEND, !question);
        }
        if (requestCue) {
            return guess(CommandRegistry.REQUEST, !question && slots.amount() != null);
        }
        if (sendVerb || "to".equals(slots.recipientWord())) {
            return guess(CommandRegistry.SEND, !question && slots.amount() != null);
        }
        return slots.amount() != null ? guess(CommandRegistry.SEND, false) : Optional.empty();
    }

    private static boolean howMuch(Words message) {
        return message.has("howmuch") || message.hasPair("how", "much") || message.hasPair("how", "many");
    }

    /** One command's cue words and no other's: sure unless the message reads as a question. */
    private static Optional<Guess> byCueWords(Words message) {
        String found = null;
        for (var entry : CUES.entrySet()) {
            if (message.hasAny(entry.getValue())) {
                if (found != null) {
                    return Optional.empty(); // two commands' words: the semantic matcher decides
                }
                found = entry.getKey();
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        return guess(found, message.size() <= 6);
    }

    private static Optional<Guess> sure(String label) {
        return Optional.of(new Guess(label, true));
    }

    private static Optional<Guess> guess(String label, boolean sure) {
        return Optional.of(new Guess(label, sure));
    }
}
