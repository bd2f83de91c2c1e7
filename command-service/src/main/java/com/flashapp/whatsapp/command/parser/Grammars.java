package com.flashapp.whatsapp.command.parser;

import com.flashapp.whatsapp.command.registry.Grammar;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The argument grammars of the commands, with the error each one gives when it cannot read what was typed. */
public final class Grammars {

    public static final String SEND_USAGE = "send needs an amount and who to send to, like `send 5 to @maria`, "
            + "`send 1000 sats to +18765551234` or `pay lnbc1…`";
    public static final String REQUEST_USAGE = "request needs an amount and who to ask, like `request 10 from @maria` "
            + "or `request J$500 from 876-555-1234`";
    public static final String SAVE_USAGE = "save needs a name and a number, like `save mom +18765550123` "
            + "(or share a contact card here)";
    public static final String DELETE_CONTACT_USAGE = "Which contact? Like `delete contact mom` (`contacts` lists "
            + "them).";
    public static final String RECEIVE_USAGE = "receive needs an amount like `receive 10` or `receive 10 JMD` "
            + "(or just `receive` for any amount)";
    public static final String HISTORY_USAGE = "history shows your last payments: `history`, `history 10`, "
            + "`history more` or `history #2` for details";
    public static final String NOTIFICATIONS_USAGE = "notifications understands: `notifications on`, `off`, "
            + "`quiet 22:00-07:00`, `quiet off`, `digest daily`, `digest hourly`, `digest immediate`, `min 5`";
    public static final String VOICE_USAGE = "voice understands: `voice on` (answers also as a voice note), "
            + "`voice off`, or `voice` to see the setting";
    public static final String VERIFY_USAGE = "Send the code from Flash like `verify 123456` (or just the 6 digits).";
    public static final String ADMIN_USAGE = "admin status | admin user <number or @username> | "
            + "admin block <number> | admin unblock <number> | admin stats [day|week]";

    private static final Set<String> TO_WORDS = Set.of("to", "para", "a", "pour", "->");
    private static final Set<String> FROM_WORDS = Set.of("from", "de", "desde", "of");
    private static final Set<String> MEMO_WORDS = Set.of("for", "memo", "note", "por", "-", ":");
    private static final Set<String> REFRESH_WORDS = Set.of("refresh", "update", "now", "live", "actualizar",
            "reload", "new");
    private static final Set<String> MORE_WORDS = Set.of("more", "next", "mas", "más", "plus", "older");
    private static final Set<String> FILLERS = Set.of("please", "pls", "plz", "now", "thanks", "thank", "you",
            "thx", "ty", "bot", "por", "favor", "porfa", "today", "the", "my", "me", "of", "in", "en", "current",
            "again", "?", "!", ".", "sir", "pls?", "rn", "asap");
    private static final Set<String> PRICE_WORDS = Set.of("btc", "bitcoin", "price", "rate", "precio", "sats");
    private static final Pattern CODE = Pattern.compile("\\d{4,8}");
    private static final Pattern INDEX = Pattern.compile("#(\\d{1,3})");
    private static final Pattern COUNT = Pattern.compile("\\d{1,3}");
    private static final Pattern QUIET = Pattern.compile("(\\d{1,2})(?::(\\d{2}))?\\s*(?:-|to|–)\\s*(\\d{1,2})(?::(\\d{2}))?");
    private static final int MAX_HISTORY = 50;

    private final AmountParser amounts;
    private final RecipientParser recipients;

    public Grammars(AmountParser amounts, RecipientParser recipients) {
        this.amounts = amounts;
        this.recipients = recipients;
    }

    /** {@code send|pay <amount> [to] <recipient> [memo]}, {@code pay <invoice> [amount]}. */
    public Grammar payment() {
        return tokens -> {
            int i = 0;
            Amount amount = null;
            var first = amounts.parse(tokens, i);
            if (first.isPresent()) {
                amount = first.get().amount();
                i += first.get().consumed();
            }
            var afterTo = i < tokens.size() && TO_WORDS.contains(lower(tokens.get(i)));
            if (afterTo) {
                i++;
            }
            var recipient = recipients.parse(tokens, i, afterTo);
            if (recipient.isEmpty()) {
                throw new ArgumentException(SEND_USAGE);
            }
            i += recipient.get().consumed();
            if (amount == null) {
                var later = amounts.parse(tokens, i);
                if (later.isPresent()) {
                    amount = later.get().amount();
                    i += later.get().consumed();
                }
            }
            var to = recipient.get().recipient();
            if (amount == null && to.kind() != Recipient.Kind.LIGHTNING_INVOICE) {
                throw new ArgumentException("How much? " + SEND_USAGE);
            }
            return new Args(null, null, amount, to, memo(tokens, i), null);
        };
    }

    /** {@code contacts}, {@code contacts save <name> <phone>}, {@code contacts delete <name>}. */
    public Grammar contacts() {
        return tokens -> {
            if (tokens.isEmpty() || Set.of("list", "all", "lista").contains(lower(tokens.get(0)))) {
                return Args.option("list");
            }
            var rest = tokens.subList(1, tokens.size());
            if (Set.of("save", "add", "new", "guardar").contains(lower(tokens.get(0)))) {
                return saveContact().parse(rest);
            }
            if (Set.of("delete", "remove", "del", "borrar").contains(lower(tokens.get(0)))) {
                return deleteContact().parse(rest);
            }
            return null;
        };
    }

    /**
     * {@code save <name…> <phone>}: the name is every word before a phone number that ends the message ("save aunt
     * may 876 555 0123"). An @username or address is answered: those are paid directly, nothing to save.
     */
    public Grammar saveContact() {
        return tokens -> {
            for (int i = 1; i < tokens.size(); i++) {
                var parsed = recipients.parse(tokens, i, false);
                if (parsed.isEmpty() || i + parsed.get().consumed() != tokens.size()) {
                    continue;
                }
                var recipient = parsed.get().recipient();
                if (recipient.kind() != Recipient.Kind.PHONE) {
                    throw new ArgumentException("Only phone numbers are saved as contacts: you can pay "
                            + "@usernames and Lightning addresses directly, like `send 5 to @maria`.");
                }
                var name = String.join(" ", tokens.subList(0, i)).strip();
                return new Args("save", name, null, recipient, null, null);
            }
            throw new ArgumentException(SAVE_USAGE);
        };
    }

    /** {@code delete contact <name…>}. */
    public Grammar deleteContact() {
        return tokens -> {
            if (tokens.isEmpty()) {
                throw new ArgumentException(DELETE_CONTACT_USAGE);
            }
            return new Args("delete", String.join(" ", tokens).strip(), null, null, null, null);
        };
    }

    /** {@code pending}: the sender's open invites (nothing after it). */
    public Grammar invites() {
        return tokens -> tokens.isEmpty() ? Args.option("list") : null;
    }

    /** {@code cancel invite <n>}: the number from {@code pending}. */
    public Grammar cancelInvite() {
        return tokens -> {
            var index = tokens.size() == 1 ? number(tokens.get(0).replace("#", "")) : null;
            if (index == null) {
                throw new ArgumentException("Which invite? Like `cancel invite 2` (the number from `pending`).");
            }
            return new Args("cancel", null, null, null, null, index);
        };
    }

    /** {@code request <amount> from <recipient> [memo]}, {@code request list}, {@code request cancel <n>}. */
    public Grammar paymentRequest() {
        return tokens -> {
            if (tokens.isEmpty() || Set.of("list", "open", "pending", "lista").contains(lower(tokens.get(0)))) {
                return Args.option("list");
            }
            if (Set.of("cancel", "cancelar", "delete").contains(lower(tokens.get(0)))) {
                var index = tokens.size() > 1 ? number(tokens.get(1)) : null;
                if (index == null) {
                    throw new ArgumentException("Which one? Like `request cancel 2` (the number from `request list`).");
                }
                return new Args("cancel", null, null, null, null, index);
            }
            int i = 0;
            var amount = amounts.parse(tokens, i);
            if (amount.isPresent()) {
                i += amount.get().consumed();
            }
            var afterFrom = i < tokens.size() && FROM_WORDS.contains(lower(tokens.get(i)));
            if (afterFrom) {
                i++;
            }
            var from = recipients.parse(tokens, i, afterFrom);
            if (from.isEmpty()) {
                throw new ArgumentException(REQUEST_USAGE);
            }
            i += from.get().consumed();
            var value = amount.map(AmountParser.Parsed::amount).orElse(null);
            if (value == null) {
                var later = amounts.parse(tokens, i);
                if (later.isEmpty()) {
                    throw new ArgumentException("How much? " + REQUEST_USAGE);
                }
                value = later.get().amount();
                i += later.get().consumed();
            }
            if (from.get().recipient().kind() == Recipient.Kind.LIGHTNING_INVOICE) {
                throw new ArgumentException(REQUEST_USAGE);
            }
            return new Args("create", null, value, from.get().recipient(), memo(tokens, i), null);
        };
    }

    /** {@code receive [amount] [memo]}. */
    public Grammar receive() {
        return tokens -> {
            if (tokens.isEmpty()) {
                return Args.NONE;
            }
            var amount = amounts.parse(tokens, 0);
            if (amount.isEmpty()) {
                throw new ArgumentException(RECEIVE_USAGE);
            }
            return new Args(null, null, amount.get().amount(), null, memo(tokens, amount.get().consumed()), null);
        };
    }

    /** {@code history}, {@code history 10}, {@code history more}, {@code history #2}. */
    public Grammar history() {
        return tokens -> {
            if (tokens.isEmpty()) {
                return Args.NONE;
            }
            var word = lower(tokens.get(0));
            if (MORE_WORDS.contains(word)) {
                return Args.option("more");
            }
            var index = INDEX.matcher(tokens.get(0).replaceAll("[.,!?]+$", ""));
            if (index.matches()) {
                return new Args("detail", null, null, null, null, Integer.parseInt(index.group(1)));
            }
            if (Set.of("detail", "details", "show", "tx").contains(word) && tokens.size() > 1) {
                var n = number(tokens.get(1).replace("#", ""));
                if (n != null) {
                    return new Args("detail", null, null, null, null, n);
                }
            }
            var count = number(word);
            if (count != null && count >= 1 && count <= MAX_HISTORY) {
                return new Args(null, null, null, null, null, count);
            }
            throw new ArgumentException(HISTORY_USAGE);
        };
    }

    /** Whether every token is polite filler ("please", "now", "?"). */
    public static boolean onlyFillers(List<String> tokens) {
        return tokens.stream().map(Grammars::lower).allMatch(word -> word.isEmpty() || FILLERS.contains(word));
    }

    /** {@code balance [refresh]}, with filler ("balance please"); other words make it a question. */
    public Grammar balance() {
        return tokens -> {
            var refresh = false;
            for (var token : tokens) {
                var word = lower(token);
                if (REFRESH_WORDS.contains(word)) {
                    refresh = true;
                } else if (!word.isEmpty() && !FILLERS.contains(word)) {
                    return null;
                }
            }
            return refresh ? Args.option("refresh") : Args.NONE;
        };
    }

    /** {@code price [currency]}: "price in jmd", "price JMD", "bitcoin price today". */
    public Grammar price() {
        return tokens -> {
            String currency = null;
            for (var token : tokens) {
                var word = lower(token);
                var unit = AmountParser.unit(token);
                if (unit.isPresent() && !Amount.SATS.equals(unit.get()) && !Amount.BTC.equals(unit.get())) {
                    currency = currency == null ? unit.get() : currency;
                } else if (!word.isEmpty() && !FILLERS.contains(word) && !PRICE_WORDS.contains(word)) {
                    return null;
                }
            }
            return currency == null ? Args.NONE : Args.value(currency);
        };
    }

    /** {@code verify <code>}. */
    public Grammar verify() {
        return tokens -> {
            var code = String.join("", tokens);
            if (!CODE.matcher(code).matches()) {
                throw new ArgumentException(VERIFY_USAGE);
            }
            return Args.value(code);
        };
    }

    public static final String AI_USAGE = "Say `ai on` to get answers from Maple AI, or `ai off` for answers from "
            + "our help notes only.";

    /** {@code ai [on|off]}: consent to answers from Maple AI (owned by ai-support-service). */
    public Grammar aiConsent() {
        return tokens -> {
            if (tokens.isEmpty()) {
                return Args.NONE;
            }
            return switch (lower(tokens.get(0))) {
                case "on", "yes", "enable", "si", "activar" -> Args.option("on");
                case "off", "no", "disable", "stop", "desactivar" -> Args.option("off");
                default -> throw new ArgumentException(AI_USAGE);
            };
        };
    }

    /** {@code notifications [on|off|quiet HH:MM-HH:MM|quiet off|digest hourly|daily|immediate|min <amount>]}. */
    public Grammar notifications() {
        return tokens -> {
            if (tokens.isEmpty()) {
                return Args.NONE;
            }
            var word = lower(tokens.get(0));
            switch (word) {
                case "on", "enable", "yes", "start", "activar", "si" -> {
                    return Args.option("on");
                }
                case "off", "disable", "no", "stop", "desactivar", "mute" -> {
                    return Args.option("off");
                }
                case "quiet", "silent", "dnd", "silencio" -> {
                    var rest = String.join(" ", tokens.subList(1, tokens.size())).trim().toLowerCase(Locale.ROOT);
                    if (rest.equals("off") || rest.equals("none")) {
                        return new Args("quiet", "off", null, null, null, null);
                    }
                    var quiet = QUIET.matcher(rest);
                    if (quiet.matches()) {
                        var from = time(quiet.group(1), quiet.group(2));
                        var to = time(quiet.group(3), quiet.group(4));
                        if (from != null && to != null) {
                            return new Args("quiet", from + "-" + to, null, null, null, null);
                        }
                    }
                    throw new ArgumentException("Quiet hours look like `quiet 22:00-07:00` (or `quiet off`).");
                }
                case "digest", "frequency", "summary" -> {
                    var mode = tokens.size() > 1 ? lower(tokens.get(1)) : "";
                    var frequency = switch (mode) {
                        case "hourly", "hour" -> "hourly";
                        case "daily", "day" -> "daily";
                        case "immediate", "instant", "off", "now", "realtime" -> "immediate";
                        default -> null;
                    };
                    if (frequency == null) {
                        throw new ArgumentException("Pick one: `digest hourly`, `digest daily` or `digest immediate`.");
                    }
                    return new Args("digest", frequency, null, null, null, null);
                }
                case "min", "minimum", "minimo", "threshold" -> {
                    var amount = amounts.parse(tokens, 1);
                    if (amount.isEmpty()) {
                        throw new ArgumentException("Say the smallest amount to be told about, like `notifications min 5`.");
                    }
                    return new Args("min", null, amount.get().amount(), null, null, null);
                }
                default -> throw new ArgumentException(NOTIFICATIONS_USAGE);
            }
        };
    }

    /** {@code voice [on|off]}: on/off as an option, none to show the setting. */
    public Grammar voice() {
        return tokens -> {
            if (tokens.isEmpty()) {
                return Args.NONE;
            }
            return switch (lower(tokens.get(0))) {
                case "on", "enable", "yes", "start", "activar", "si" -> Args.option("on");
                case "off", "disable", "no", "stop", "desactivar" -> Args.option("off");
                default -> throw new ArgumentException(VOICE_USAGE);
            };
        };
    }

    /** {@code help [topic]}. */
    public Grammar help() {
        return tokens -> tokens.isEmpty() ? Args.NONE
                : Args.value(String.join(" ", tokens.stream().map(TextNormalizer::keyword).toList()));
    }

    /** Everything after the command word is the value ({@code support <question>}). */
    public Grammar freeText() {
        return tokens -> tokens.isEmpty() ? Args.NONE : Args.value(String.join(" ", tokens));
    }

    /** {@code admin status|user <x>|block <n>|unblock <n>|stats [day|week]}. */
    public Grammar admin() {
        return tokens -> {
            if (tokens.isEmpty()) {
                throw new ArgumentException(ADMIN_USAGE);
            }
            var action = lower(tokens.get(0));
            var rest = tokens.size() > 1 ? String.join(" ", tokens.subList(1, tokens.size())) : null;
            return switch (action) {
                case "status" -> Args.option("status");
                case "stats" -> new Args("stats", rest == null ? "day" : parsePeriod(rest), null, null, null, null);
                case "user", "block", "unblock" -> {
                    if (rest == null) {
                        throw new ArgumentException(ADMIN_USAGE);
                    }
                    yield new Args(action, rest.trim(), null, null, null, null);
                }
                default -> throw new ArgumentException(ADMIN_USAGE);
            };
        };
    }

    private static String parsePeriod(String rest) throws ArgumentException {
        var period = lower(rest.trim());
        if (!period.equals("day") && !period.equals("week")) {
            throw new ArgumentException(ADMIN_USAGE);
        }
        return period;
    }

    private static String time(String hours, String minutes) {
        var h = Integer.parseInt(hours);
        var m = minutes == null ? 0 : Integer.parseInt(minutes);
        if (h > 23 || m > 59) {
            return null;
        }
        return String.format(Locale.ROOT, "%02d:%02d", h, m);
    }

    private static String memo(List<String> tokens, int from) {
        int start = from;
        if (start < tokens.size() && MEMO_WORDS.contains(lower(tokens.get(start)))) {
            start++;
        }
        if (start >= tokens.size()) {
            return null;
        }
        var memo = String.join(" ", tokens.subList(start, tokens.size())).trim();
        return memo.isEmpty() ? null : memo;
    }

    private static Integer number(String token) {
        var cleaned = token.replaceAll("[#.,!?]", "");
        return COUNT.matcher(cleaned).matches() ? Integer.parseInt(cleaned) : null;
    }

    private static String lower(String token) {
        return TextNormalizer.keyword(token);
    }
}
