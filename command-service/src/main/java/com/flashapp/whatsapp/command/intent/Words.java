package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.parser.TextNormalizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;

/**
 * A message as words the intent layer can compare: lower case, no accents, emoji that carry meaning turned into
 * words (👍 is "ok"), and Jamaican Patois, Spanish and common texting forms mapped to one English word each
 * ("mi" is "my", "waan" is "want", "saldo" is "balance"). The raw tokens are kept for amounts and recipients.
 *
 * @param raw   the tokens as typed (cleaned of other emoji), for slots
 * @param words one canonical word per raw token ("" for a token that carries no meaning)
 */
public record Words(List<String> raw, List<String> words) {

    /** Emoji that are words here; every other pictograph is dropped by {@link TextNormalizer#clean}. */
    private static final Map<String, String> EMOJI = Map.ofEntries(
            entry("👍", " ok "), entry("👌", " ok "), entry("✅", " ok "), entry("🙏", " thanks "),
            entry("🙌", " thanks "), entry("😂", " lol "), entry("🤣", " lol "), entry("😅", " lol "),
            entry("😊", " ok "), entry("👋", " hi "), entry("💰", " money "), entry("💵", " money "),
            entry("❤️", " thanks "), entry("❤", " thanks "), entry("🔥", " nice "));

    /** Patois, Spanish, French and texting spellings -> the English word the rules and the examples use. */
    static final Map<String, String> CANONICAL = Map.ofEntries(
            // Patois and texting
            entry("mi", "my"), entry("meh", "my"), entry("ma", "my"), entry("mah", "my"), entry("im", "i"),
            entry("i'm", "i"), entry("waan", "want"), entry("wan", "want"), entry("wanna", "want"),
            entry("wah", "what"), entry("wha", "what"), entry("wat", "what"), entry("what's", "what"),
            entry("whats", "what"), entry("wats", "what"), entry("wuh", "what"), entry("sen", "send"),
            entry("snd", "send"), entry("sendd", "send"), entry("deh", "there"), entry("fi", "to"),
            entry("fa", "for"), entry("pon", "on"), entry("nuh", "not"), entry("cyaan", "cant"),
            entry("inna", "in"), entry("mek", "make"), entry("tek", "take"), entry("yuh", "you"), entry("u", "you"),
            entry("ya", "you"), entry("ur", "your"), entry("pls", "please"), entry("plz", "please"),
            entry("pleas", "please"), entry("lef", "left"), entry("spen", "spend"), entry("spent", "spend"),
            entry("gwaan", "gwan"), entry("dis", "this"), entry("di", "the"), entry("likkle", "little"),
            entry("bredda", "brother"), entry("fren", "friend"), entry("sumting", "something"),
            entry("bal", "balance"), entry("balanse", "balance"), entry("blance", "balance"),
            entry("ballance", "balance"), entry("balence", "balance"), entry("balnce", "balance"),
            entry("balnace", "balance"), entry("acct", "account"), entry("acc", "account"),
            entry("btc", "bitcoin"), entry("bitcoins", "bitcoin"), entry("sats", "sat"), entry("satoshi", "sat"),
            entry("satoshis", "sat"), entry("recieve", "receive"), entry("receve", "receive"),
            entry("recv", "receive"), entry("transactions", "transaction"), entry("txs", "transaction"),
            entry("tx", "transaction"), entry("txn", "transaction"), entry("txns", "transaction"),
            entry("hist", "history"), entry("histroy", "history"), entry("histry", "history"),
            entry("payments", "payment"), entry("requests", "request"), entry("req", "request"),
            entry("notification", "notifications"), entry("notifs", "notifications"),
            entry("notif", "notifications"), entry("alerts", "notifications"), entry("alert", "notifications"),
            entry("notify", "notifications"), entry("thx", "thanks"), entry("ty", "thanks"),
            entry("tanks", "thanks"), entry("thank", "thanks"), entry("thankyou", "thanks"),
            entry("tnx", "thanks"), entry("cash", "money"), entry("funds", "money"), entry("dough", "money"),
            entry("logout", "logout"), entry("signout", "logout"), entry("login", "login"),
            entry("signin", "login"), entry("okay", "ok"), entry("k", "ok"), entry("kk", "ok"),
            entry("okk", "ok"), entry("alright", "ok"), entry("aight", "ok"),
            // Spanish
            entry("saldo", "balance"), entry("precio", "price"), entry("vale", "worth"), entry("enviar", "send"),
            entry("envia", "send"), entry("envie", "send"), entry("manda", "send"), entry("mandar", "send"),
            entry("transferir", "send"), entry("pagar", "pay"), entry("paga", "pay"), entry("recibir", "receive"),
            entry("cobrar", "receive"), entry("historial", "history"), entry("movimientos", "history"),
            entry("transacciones", "transaction"), entry("pedir", "request"), entry("solicitar", "request"),
            entry("vincular", "link"), entry("conectar", "connect"), entry("desvincular", "unlink"),
            entry("desconectar", "disconnect"), entry("ayuda", "help"), entry("gracias", "thanks"),
            entry("hola", "hi"), entry("cuanto", "howmuch"), entry("dinero", "money"), entry("plata", "money"),
            entry("cuenta", "account"), entry("notificaciones", "notifications"), entry("quiero", "want"),
            entry("tengo", "have"), entry("mis", "my"), entry("cual", "what"), entry("que", "what"),
            entry("es", "is"), entry("ver", "show"), entry("ultimas", "last"), entry("cancelar", "cancel"),
            entry("desactivar", "off"), entry("activar", "on"), entry("dolares", "dollars"),
            // French
            entry("solde", "balance"), entry("prix", "price"), entry("envoyer", "send"), entry("payer", "pay"),
            entry("recevoir", "receive"), entry("historique", "history"), entry("aide", "help"),
            entry("merci", "thanks"), entry("bonjour", "hi"), entry("annuler", "cancel"));

    /** Words that only make a message polite or chatty. */
    static final Set<String> FILLERS = Set.of("please", "now", "rn", "asap", "bot", "sir", "por", "favor", "porfa",
            "the", "a", "an", "just", "again", "today", "right", "yo", "oi", "hey", "boss", "bro", "fam", "man",
            "dear", "ok", "so", "lol", "pls", "can", "you", "could", "would", "quick", "quickly", "real", "el", "la",
            "de", "del", "mi", "and");

    public Words {
        raw = List.copyOf(raw);
        words = List.copyOf(words);
    }

    /** Reads a message. */
    public static Words of(String text) {
        var withWords = text == null ? "" : text;
        for (var emoji : EMOJI.entrySet()) {
            withWords = withWords.replace(emoji.getKey(), emoji.getValue());
        }
        var cleaned = TextNormalizer.clean(withWords).replace("¿", " ").replace("¡", " ");
        var raw = new ArrayList<String>();
        var words = new ArrayList<String>();
        for (var token : TextNormalizer.tokens(TextNormalizer.clean(cleaned))) {
            raw.add(token);
            words.add(canonical(token));
        }
        return new Words(raw, words);
    }

    /** One token as its canonical word: keyword form, then the map above. */
    static String canonical(String token) {
        var keyword = TextNormalizer.keyword(token);
        if (keyword.endsWith("'s")) {
            keyword = keyword.substring(0, keyword.length() - 2);
        }
        keyword = keyword.replaceAll("[?!.,;:]+$", "");
        return CANONICAL.getOrDefault(keyword, keyword);
    }

    public boolean isEmpty() {
        return words.stream().allMatch(String::isEmpty);
    }

    public boolean has(String word) {
        return words.contains(word);
    }

    public boolean hasAny(Set<String> set) {
        return words.stream().anyMatch(set::contains);
    }

    /** Whether {@code first} is directly followed by {@code second}. */
    public boolean hasPair(String first, String second) {
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals(first) && words.get(i + 1).equals(second)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code first} is followed by one of {@code then} within {@code window} words. */
    public boolean hasNear(String first, Set<String> then, int window) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals(first)) {
                for (int j = i + 1; j < words.size() && j <= i + window; j++) {
                    if (then.contains(words.get(j))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The canonical words joined: what the semantic matcher embeds. */
    public String text() {
        return String.join(" ", words.stream().filter(w -> !w.isEmpty()).toList());
    }

    public int size() {
        return words.size();
    }
}
