package com.flashapp.whatsapp.command.registry;

import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.command.parser.AmountParser;
import com.flashapp.whatsapp.command.parser.Grammars;
import com.flashapp.whatsapp.command.parser.RecipientParser;
import com.flashapp.whatsapp.command.parser.TextNormalizer;
import com.flashapp.whatsapp.contracts.QuickReply;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every command the bot understands, declared once. Adding a command is adding one declaration here and one
 * handler in {@code service/CommandHandlers}.
 */
@ApplicationScoped
public class CommandRegistry {

    public static final String HELP = "help";
    public static final String LINK = "link";
    public static final String VERIFY = "verify";
    public static final String UNLINK = "unlink";
    public static final String BALANCE = "balance";
    public static final String PRICE = "price";
    public static final String HISTORY = "history";
    public static final String RECEIVE = "receive";
    public static final String SEND = "send";
    public static final String REQUEST = "request";
    public static final String CONTACTS = "contacts";
    public static final String SAVE_CONTACT = "save";
    public static final String DELETE_CONTACT = "unsave";
    public static final String INVITES = "pending";
    public static final String CANCEL_INVITE = "uninvite";
    public static final String NOTIFICATIONS = "notifications";
    public static final String SUPPORT = "support";
    public static final String ABOUT = "about";
    public static final String CANCEL = "cancel";
    public static final String ADMIN = "admin";
    public static final String ERASE = "erase";
    public static final String AI = "ai";
    public static final String PRIVACY = "privacy";
    public static final String VOICE = "voice";

    /** The longest alias, in words ("what is flash"). */
    public static final int MAX_ALIAS_WORDS = 3;

    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    private final Map<String, CommandSpec> byWord = new LinkedHashMap<>();
    private final Grammars grammars;
    private final AmountParser amounts;
    private final RecipientParser recipients;

    @Inject
    public CommandRegistry(CommandConfig config) {
        this(config.parser().defaultUnit(), config.parser().defaultCountryCode());
    }

    /** For tests and tools: a registry with explicit parsing defaults. */
    public CommandRegistry(String defaultUnit, String defaultCountryCode) {
        this.amounts = new AmountParser(defaultUnit);
        this.recipients = new RecipientParser(defaultCountryCode);
        this.grammars = new Grammars(amounts, recipients);
        declare();
    }

    private void declare() {
        add(new CommandSpec(HELP,
                List.of("h", "?", "menu", "commands", "start", "hi", "hello", "hey", "hola", "ayuda", "aide",
                        "what can you do", "options", "info", "help me"),
                Category.SUPPORT, "help [topic]", "this menu; `help <topic>` for more",
                "Shows what you can do here. `help wallet`, `help payments` or `help send` explain more.",
                List.of("help", "help wallet", "help send"), false, false, false,
                List.of(), grammars.help()));
        add(new CommandSpec(LINK,
                List.of("connect", "login", "log in", "sign in", "signin", "register", "conectar", "vincular",
                        "enlazar", "lier", "link account", "link my account", "lnk", "linl"),
                Category.ACCOUNT, "link", "connect your Flash account",
                "Connects this WhatsApp number to your Flash account. You will get a one-time code from Flash; "
                        + "send it here to finish.",
                List.of("link"), false, false, true,
                List.of(new QuickReply("help", "Help")), Grammar.NONE));
        add(new CommandSpec(VERIFY,
                List.of("code", "otp", "verificar", "codigo"),
                Category.ACCOUNT, "verify <code>", "finish linking with the code from Flash",
                "Finishes linking: send the code Flash gave you, like `verify 123456` or just `123456`.",
                List.of("verify 123456", "123456"), false, false, false,
                List.of(new QuickReply("balance", "Check balance")), grammars.verify()));
        add(new CommandSpec(UNLINK,
                List.of("disconnect", "logout", "log out", "sign out", "signout", "desvincular", "desconectar",
                        "unlink account"),
                Category.ACCOUNT, "unlink", "disconnect your Flash account",
                "Disconnects this WhatsApp number from your Flash account. You will be asked to confirm.",
                List.of("unlink"), true, false, true,
                List.of(new QuickReply("link", "Link again")), Grammar.NONE));
        add(new CommandSpec(ERASE,
                List.of("delete my data", "erase my data", "forget me", "delete my info", "borrar mis datos"),
                Category.ACCOUNT, "delete my data", "erase everything this chat keeps about you",
                "Unlinks your Flash account and erases everything this chat keeps about you (settings, questions, "
                        + "messages). Your Flash account and its money stay as they are. You will be asked to confirm.",
                List.of("delete my data"), false, false, true,
                List.of(new QuickReply("help", "Help")), Grammar.NONE));
        add(new CommandSpec(PRIVACY,
                List.of("my data", "privacidad", "privacy policy", "data policy"),
                Category.ACCOUNT, "privacy", "what this chat keeps about you",
                "Shows what this chat stores about you, for how long, and how to erase it (`delete my data`).",
                List.of("privacy"), false, false, true,
                List.of(new QuickReply("delete my data", "Delete my data"), new QuickReply("help", "Help")),
                Grammar.NONE));
        add(new CommandSpec(AI,
                List.of("maple ai", "ai answers"),
                Category.SUPPORT, "ai [on|off]", "answers from Maple AI or the help notes only",
                "Questions are answered from our help notes, or with Maple AI (a third-party AI model) if you agree: "
                        + "`ai on` uses Maple AI, `ai off` the help notes only.",
                List.of("ai", "ai on", "ai off"), false, false, true,
                List.of(new QuickReply("privacy", "My data"), new QuickReply("help", "Help")), grammars.aiConsent()));
        add(new CommandSpec(BALANCE,
                List.of("bal", "saldo", "solde", "balanse", "balnce", "ballance", "balence", "blance", "money",
                        "my balance", "check balance", "how much", "cuanto tengo", "wallet", "funds"),
                Category.WALLET, "balance [refresh]", "see your balance",
                "Shows your Flash balance in your display currency. `balance refresh` skips the short cache.",
                List.of("balance", "bal", "balance refresh"), true, false, true,
                List.of(new QuickReply("history", "See history"), new QuickReply("receive", "Receive money")),
                grammars.balance()));
        add(new CommandSpec(PRICE,
                List.of("rate", "btc", "bitcoin", "precio", "prix", "btc price", "bitcoin price", "exchange rate",
                        "tasa", "prices"),
                Category.WALLET, "price [currency]", "the bitcoin price",
                "Shows the current bitcoin price, in your currency or the one you name: `price JMD`.",
                List.of("price", "price JMD", "price usd"), false, false, true,
                List.of(new QuickReply("balance", "Check balance")), grammars.price()));
        add(new CommandSpec(HISTORY,
                List.of("hist", "transactions", "transaction", "txs", "tx", "historial", "historique", "statement",
                        "activity", "movimientos", "histroy", "histry", "payments"),
                Category.WALLET, "history [n|more|#n]", "your recent payments",
                "Shows your last payments. `history 10` shows ten, `history more` the next page, "
                        + "`history #2` the details of the second one.",
                List.of("history", "history 10", "history more", "history #2"), true, false, true,
                List.of(new QuickReply("history more", "Older payments"), new QuickReply("balance", "Check balance")),
                grammars.history()));
        add(new CommandSpec(RECEIVE,
                List.of("recv", "invoice", "deposit", "recibir", "cobrar", "recevoir", "get paid", "qr", "recieve",
                        "receieve", "receve", "topup", "top up", "fund"),
                Category.WALLET, "receive [amount] [memo]", "get an invoice and QR code to be paid",
                "Creates a Lightning invoice and QR code for others to pay you. Without an amount the payer chooses.",
                List.of("receive", "receive 10", "receive 10 JMD", "receive 5000 sats for lunch"), true, false, true,
                List.of(new QuickReply("balance", "Check balance")), grammars.receive()));
        add(new CommandSpec(SEND,
                List.of("pay", "transfer", "enviar", "pagar", "envoyer", "payer", "tip", "snd", "sendd",
                        "zap", "give"),
                Category.PAYMENTS, "send <amount> to <@user|phone|address>", "send money",
                "Sends money to a Flash username, a phone number or a Lightning address; `pay <invoice>` pays an "
                        + "invoice. You always confirm before money moves.",
                List.of("send 5 to @maria", "send 1000 sats to +18765551234", "send J$500 to 876-555-1234",
                        "pay lnbc1…"), true, false, true,
                List.of(new QuickReply("balance", "Check balance"), new QuickReply("history", "See history")),
                grammars.payment()));
        add(new CommandSpec(REQUEST,
                List.of("req", "requests", "solicitar", "pedir", "cobrar a", "ask for", "demander", "reqest",
                        "requst"),
                Category.PAYMENTS, "request <amount> from <@user|phone>", "ask someone to pay you",
                "Asks someone to pay you; they get a message with an invoice. `request list` shows open requests, "
                        + "`request cancel 2` cancels one.",
                List.of("request 10 from @maria", "request J$500 from 876-555-1234", "request list"), true, false,
                true, List.of(new QuickReply("request list", "Open requests")), grammars.paymentRequest()));
        add(new CommandSpec(CONTACTS,
                List.of("my contacts", "contact list", "contactos", "mis contactos", "contacs", "contatcs",
                        "address book"),
                Category.PAYMENTS, "contacts", "people you saved, to pay by name",
                "Lists the people you saved. `save mom +18765550123` (or sharing a contact card here) saves one, "
                        + "then `send 5 to mom` or `request 10 from mom` use it; you always confirm first. "
                        + "`delete contact mom` removes one. Only you see your contacts.",
                List.of("contacts", "save mom +18765550123", "send 5 to mom", "delete contact mom"), true, false,
                true, List.of(new QuickReply("contacts", "My contacts")), grammars.contacts()));
        add(new CommandSpec(SAVE_CONTACT,
                List.of("save contact", "add contact", "new contact", "guardar", "guardar contacto"),
                Category.PAYMENTS, "save <name> <phone>", "save a contact",
                "Saves someone's number under a name, like `save mom +18765550123`; you confirm first. Sharing a "
                        + "contact card here does the same.",
                List.of("save mom +18765550123", "save aunt may 876-555-0123"), true, false, false,
                List.of(new QuickReply("contacts", "My contacts")), grammars.saveContact()));
        add(new CommandSpec(DELETE_CONTACT,
                List.of("delete contact", "remove contact", "del contact", "borrar contacto", "eliminar contacto"),
                Category.PAYMENTS, "delete contact <name>", "delete a saved contact",
                "Deletes a saved contact, like `delete contact mom`.",
                List.of("delete contact mom"), true, false, false,
                List.of(new QuickReply("contacts", "My contacts")), grammars.deleteContact()));
        add(new CommandSpec(INVITES,
                List.of("invites", "my invites", "pending invites", "invitations", "invitaciones"),
                Category.PAYMENTS, "pending", "money waiting for someone to join Flash",
                "Lists your open invites: money you sent to a number that isn't on Flash yet. It stays in your wallet "
                        + "and is sent when they join Flash and link WhatsApp here. `cancel invite 2` cancels one.",
                List.of("pending", "cancel invite 1"), true, false, true,
                List.of(new QuickReply("pending", "My invites")), grammars.invites()));
        add(new CommandSpec(CANCEL_INVITE,
                List.of("cancel invite", "cancel invitation", "delete invite", "cancelar invitacion"),
                Category.PAYMENTS, "cancel invite <number>", "cancel an open invite",
                "Cancels an open invite by its number from `pending`, like `cancel invite 2`; nothing is sent.",
                List.of("cancel invite 2"), true, false, false,
                List.of(new QuickReply("pending", "My invites")), grammars.cancelInvite()));
        add(new CommandSpec(NOTIFICATIONS,
                List.of("notification", "notifs", "notif", "alerts", "alert", "notificaciones", "avisos",
                        "notifications settings", "notify", "settings"),
                Category.NOTIFICATIONS, "notifications [on|off|quiet|digest|min]", "payment alerts and quiet hours",
                "Shows or changes payment alerts: `notifications on`/`off`, `notifications quiet 22:00-07:00`, "
                        + "`notifications digest daily`, `notifications min 5`.",
                List.of("notifications", "notifications off", "notifications quiet 22:00-07:00",
                        "notifications digest daily", "notifications min 5"), true, false, true,
                List.of(new QuickReply("notifications", "My settings")), grammars.notifications()));
        add(new CommandSpec(SUPPORT,
                List.of("agent", "human", "soporte", "question", "ask", "contact", "helpdesk"),
                Category.SUPPORT, "support [question]", "ask us anything",
                "Ask anything about Flash in your own words; you get an answer here.",
                List.of("support how do I buy bitcoin?", "What is a Lightning address?"), false, false, true,
                List.of(new QuickReply("what is flash", "What is Flash?"), new QuickReply("help", "Show commands")),
                grammars.freeText()));
        add(new CommandSpec(ABOUT,
                List.of("what is flash", "que es flash", "qué es flash", "flash", "about flash", "whats flash",
                        "what's flash", "acerca"),
                Category.SUPPORT, "what is flash", "what Flash is",
                "Flash is a Bitcoin and Lightning wallet made for Jamaica and the Caribbean. This chat lets you use "
                        + "it from WhatsApp.",
                List.of("what is flash"), false, false, true,
                List.of(new QuickReply("link", "Link my account"), new QuickReply("price", "Bitcoin price")),
                Grammar.NONE));
        add(new CommandSpec(VOICE,
                List.of("voice replies", "voice notes", "voz", "audio replies"),
                Category.SUPPORT, "voice [on|off]", "hear my answers as voice notes",
                "`voice on`: my answers and help also come as a voice note, with the text. `voice off` stops it; "
                        + "`voice` shows the setting.",
                List.of("voice on", "voice off", "voice"), false, false, true,
                List.of(new QuickReply("voice on", "Voice on"), new QuickReply("voice off", "Voice off")),
                grammars.voice()));
        add(new CommandSpec(CANCEL,
                List.of("stop", "cancelar", "annuler", "nevermind", "never mind", "abort", "quit", "exit"),
                Category.SUPPORT, "cancel", "stop what we were doing",
                "Cancels the question we are waiting for you to answer, whatever it was.",
                List.of("cancel"), false, false, false, List.of(new QuickReply("help", "Show commands")),
                Grammar.NONE));
        add(new CommandSpec(ADMIN,
                List.of(),
                Category.ADMIN, "admin status|user|block|unblock|stats", "operator commands",
                Grammars.ADMIN_USAGE,
                List.of("admin status", "admin stats week", "admin user @maria"), false, true, false,
                List.of(new QuickReply("admin status", "Status"), new QuickReply("admin stats", "Stats")),
                grammars.admin()));
    }

    private void add(CommandSpec spec) {
        byName.put(spec.name(), spec);
        for (var word : spec.words()) {
            var key = TextNormalizer.keyword(word.replace(" ", "\u0000")).replace("\u0000", " ");
            var previous = byWord.putIfAbsent(key, spec);
            if (previous != null && previous != spec) {
                throw new IllegalStateException("'" + word + "' means both " + previous.name() + " and " + spec.name());
            }
        }
    }

    public Optional<CommandSpec> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The command a keyword phrase (lower case, accents removed, single spaces) means. */
    public Optional<CommandSpec> byWord(String phrase) {
        return Optional.ofNullable(byWord.get(phrase));
    }

    public List<CommandSpec> all() {
        return List.copyOf(byName.values());
    }

    /** Single-word names and aliases of the commands a fuzzy match may suggest (never admin-only ones). */
    public Map<String, CommandSpec> fuzzyWords() {
        var words = new LinkedHashMap<String, CommandSpec>();
        byWord.forEach((word, spec) -> {
            if (!spec.adminOnly() && !word.contains(" ")) {
                words.put(word, spec);
            }
        });
        return Collections.unmodifiableMap(words);
    }

    public List<CommandSpec> inCategory(Category category) {
        var list = new ArrayList<CommandSpec>();
        for (var spec : byName.values()) {
            if (spec.category() == category && !spec.adminOnly()) {
                list.add(spec);
            }
        }
        return list;
    }

    public AmountParser amounts() {
        return amounts;
    }

    public RecipientParser recipients() {
        return recipients;
    }
}
