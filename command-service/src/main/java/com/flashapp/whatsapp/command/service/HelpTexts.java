package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.parser.TextNormalizer;
import com.flashapp.whatsapp.command.registry.Category;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.command.registry.CommandSpec;
import com.flashapp.whatsapp.contracts.QuickReply;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The words of help: menus that depend on who asks, topics, one command with examples, the welcome. */
@ApplicationScoped
public class HelpTexts {

    /** A message and its quick replies. */
    public record Text(String body, List<QuickReply> quickReplies) {
    }

    private static final List<String> LINKED_MENU = List.of(CommandRegistry.BALANCE, CommandRegistry.RECEIVE,
            CommandRegistry.SEND, CommandRegistry.REQUEST, CommandRegistry.HISTORY, CommandRegistry.NOTIFICATIONS);
    private static final List<String> UNLINKED_MENU = List.of(CommandRegistry.LINK, CommandRegistry.PRICE,
            CommandRegistry.ABOUT, CommandRegistry.SUPPORT);

    private static final java.util.Set<String> GREETINGS = java.util.Set.of("hi", "hello", "hey", "hola", "bonjour",
            "yo", "wah", "wha", "gm", "morning", "evening");

    private final CommandRegistry registry;

    /** Whether a message starts with a greeting word ("hi there"). */
    public static boolean isGreeting(String text) {
        var tokens = TextNormalizer.tokens(TextNormalizer.clean(text));
        return !tokens.isEmpty() && GREETINGS.contains(TextNormalizer.keyword(tokens.get(0)));
    }

    public HelpTexts(CommandRegistry registry) {
        this.registry = registry;
    }

    /** At most six command lines plus the "help <topic>" line; quick replies for the likeliest next step. */
    public Text menu(boolean linked, boolean admin) {
        var lines = new ArrayList<String>();
        lines.add(linked ? "Here's what you can do:" : "Here's what you can do (link your Flash account for more):");
        for (var name : linked ? LINKED_MENU : UNLINKED_MENU) {
            var spec = registry.byName(name).orElseThrow();
            lines.add("• *" + spec.usage() + "* – " + spec.summary());
        }
        var topics = linked ? "wallet, payments, notifications, account" : "account, wallet, payments";
        lines.add("Or just ask me a question. `help <topic>`: " + topics + (admin ? ", admin" : "") + ".");
        var buttons = linked
                ? List.of(new QuickReply("balance", "Check balance"), new QuickReply("history", "See history"),
                        new QuickReply("receive", "Receive money"))
                : List.of(new QuickReply("link", "Link my account"), new QuickReply("price", "Bitcoin price"),
                        new QuickReply("what is flash", "What is Flash?"));
        return new Text(String.join("\n", lines), buttons);
    }

    /** A short friendly answer to thanks, a greeting, a goodbye or an "ok" (never an FAQ quote). */
    public Text smallTalk(String kind, String profileName, boolean linked) {
        var name = profileName == null || profileName.isBlank() ? "" : " " + firstName(profileName);
        return switch (kind) {
            case "thanks" -> new Text("You're welcome" + name + "! 🙌", List.of());
            case "bye" -> new Text("Take care" + name + "! 👋 I'm here whenever you need me.", List.of());
            case "greeting" -> new Text("Hi" + name + "! 👋 What can I do for you?", linked
                    ? List.of(new QuickReply("balance", "Check balance"), new QuickReply("history", "See history"),
                            new QuickReply("help", "Help"))
                    : List.of(new QuickReply("link", "Link my account"), new QuickReply("price", "Bitcoin price"),
                            new QuickReply("help", "Help")));
            default -> new Text("👍 Send *help* any time to see what I can do.", List.of());
        };
    }

    /** The first message a new user gets. */
    public Text welcome(String profileName, boolean linked, boolean admin) {
        var name = profileName == null || profileName.isBlank() ? "" : " " + firstName(profileName);
        var intro = "Welcome to Flash on WhatsApp" + name + "! 👋\n"
                + "Use your Flash Bitcoin wallet right here in the chat.\n\n";
        var menu = menu(linked, admin);
        return new Text(intro + menu.body(), menu.quickReplies());
    }

    /** {@code help <topic>}: a category, or one command with examples; empty when the topic is unknown. */
    public Optional<Text> topic(String topic, boolean admin) {
        for (var category : Category.values()) {
            if (category.answersTo(topic) && (category != Category.ADMIN || admin)) {
                return Optional.of(category(category, admin));
            }
        }
        return registry.byWord(topic)
                .filter(spec -> !spec.adminOnly() || admin)
                .map(this::command);
    }

    public Text command(CommandSpec spec) {
        var body = new StringBuilder("*").append(spec.usage()).append("*\n").append(spec.help());
        if (!spec.examples().isEmpty()) {
            body.append("\nExamples:");
            spec.examples().forEach(example -> body.append("\n• ").append(example));
        }
        if (!spec.aliases().isEmpty() && !spec.adminOnly()) {
            body.append("\nAlso: ").append(String.join(", ", spec.aliases().stream().limit(4).toList()));
        }
        return new Text(body.toString(), spec.nextSteps());
    }

    private Text category(Category category, boolean admin) {
        var body = new StringBuilder("*").append(category.title()).append("*");
        var specs = category == Category.ADMIN && admin
                ? registry.all().stream().filter(CommandSpec::adminOnly).toList()
                : registry.inCategory(category);
        for (var spec : specs) {
            body.append("\n• *").append(spec.usage()).append("* – ").append(spec.summary());
        }
        body.append("\nSend `help <command>` for examples, like `help ").append(specs.get(0).name()).append("`.");
        var buttons = specs.stream().filter(CommandSpec::listed).limit(3)
                .map(spec -> new QuickReply("help " + spec.name(), ("Help: " + spec.name())))
                .filter(q -> q.title().length() <= 20)
                .toList();
        return new Text(body.toString(), buttons);
    }

    private static String firstName(String profileName) {
        return Arrays.stream(profileName.trim().split("\\s+")).findFirst().orElse("");
    }
}
