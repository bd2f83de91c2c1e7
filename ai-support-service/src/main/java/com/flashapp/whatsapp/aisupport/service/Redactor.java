package com.flashapp.whatsapp.aisupport.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.regex.Pattern;

/**
 * Removes what must never be stored in memory or sent to the AI provider: Lightning invoices and LNURLs, e-mail
 * addresses, payment card numbers (Luhn-valid 13–19 digits), wallet recovery phrases, phone numbers,
 * one-time-code-looking digit runs (4 to 8 digits that are not an amount), long token-like strings. A card number or
 * a recovery phrase is also reported by {@link #secretShared}, so the question is refused and the user warned.
 */
@ApplicationScoped
public class Redactor {

    /** What a user must never share with anyone, the bot included. */
    public enum Secret { CARD_NUMBER, RECOVERY_PHRASE }

    private static final Pattern EMAIL = Pattern.compile(
            "(?i)\\b[a-z0-9._%+\\-]{1,64}@[a-z0-9.\\-]{1,253}\\.[a-z]{2,63}\\b");
    // 13-19 digits, alone or in groups separated by a space or a dash
    private static final Pattern CARD = Pattern.compile("(?<![\\w])\\d(?:[ \\-]?\\d){12,18}(?![\\w])");
    // a run of 12 or more lower-case words of 3-8 letters (optionally numbered "1." / "1)"), the shape of a BIP-39
    // mnemonic; ordinary sentences are broken up by short words ("a", "is", "to") and hold several of STOP_WORDS,
    // which a mnemonic rarely does (a few, like "that", "when" or "will", are BIP-39 words: one is tolerated)
    private static final Pattern WORD_RUN = Pattern.compile(
            "(?:(?:\\d{1,2}[.)]\\s*)?[a-z]{3,8}[\\s,;]+){11,}(?:\\d{1,2}[.)]\\s*)?[a-z]{3,8}\\b");
    private static final java.util.Set<String> STOP_WORDS = java.util.Set.of("the", "and", "you", "your", "are",
            "how", "what", "why", "when", "where", "who", "can", "for", "with", "this", "that", "have", "has", "not",
            "was", "were", "does", "from", "but", "its", "our", "they", "them", "his", "her", "she", "him", "did",
            "will", "would", "should", "could", "there", "here", "then", "than", "into", "onto", "been", "being",
            "which", "while", "because", "very", "please", "send", "flash");
    private static final Pattern INVOICE = Pattern.compile("(?i)\\b(?:lnbc|lntbs|lntb|lnbcrt|lnurl)[0-9a-z]{10,}\\b");
    private static final Pattern TOKEN = Pattern.compile("\\b(?=[A-Za-z0-9_\\-]*\\d)(?=[A-Za-z0-9_\\-]*[A-Za-z])"
            + "[A-Za-z0-9_\\-]{24,}\\b");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w])\\+?\\d[\\d\\s().\\-]{8,}\\d(?![\\w])");
    // 4-8 digits standing alone, unless written as money ($1000, 5000 sats, 2500 JMD...)
    private static final Pattern CODE = Pattern.compile("(?<![\\w$.,])\\d{4,8}(?![\\w.,])"
            + "(?!\\s*(?i:sats?|satoshis?|usd|jmd|ttd|dollars?|bucks|cents?|btc)\\b)");

    /** A card number or recovery phrase in the text, if any: the user must be told never to share it. */
    public java.util.Optional<Secret> secretShared(String text) {
        if (text == null) {
            return java.util.Optional.empty();
        }
        if (!recoveryPhrases(text).isEmpty()) {
            return java.util.Optional.of(Secret.RECOVERY_PHRASE);
        }
        var cards = CARD.matcher(text);
        while (cards.find()) {
            if (luhn(cards.group())) {
                return java.util.Optional.of(Secret.CARD_NUMBER);
            }
        }
        return java.util.Optional.empty();
    }

    /** The text with invoices, tokens, e-mail addresses, cards, phrases, phone numbers and codes replaced. */
    public String redact(String text) {
        if (text == null) {
            return "";
        }
        var phrases = recoveryPhrases(text);
        var out = text;
        for (int i = phrases.size() - 1; i >= 0; i--) {
            out = out.substring(0, phrases.get(i)[0]) + "[recovery phrase]" + out.substring(phrases.get(i)[1]);
        }
        out = EMAIL.matcher(out).replaceAll("[email]");
        out = CARD.matcher(out).replaceAll(m -> luhn(m.group()) ? "[card]" : java.util.regex.Matcher.quoteReplacement(m.group()));
        out = INVOICE.matcher(out).replaceAll("[invoice]");
        out = TOKEN.matcher(out).replaceAll("[secret]");
        out = PHONE.matcher(out).replaceAll("[phone]");
        out = CODE.matcher(out).replaceAll("[code]");
        return out;
    }

    /** Where the text holds runs of mnemonic-shaped words with none of the words a sentence has. */
    private static java.util.List<int[]> recoveryPhrases(String text) {
        var lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.length() != text.length()) {
            lower = text; // a case mapping that changes lengths: match as written
        }
        var found = new java.util.ArrayList<int[]>();
        var runs = WORD_RUN.matcher(lower);
        while (runs.find()) {
            var words = runs.group().replaceAll("\\d{1,2}[.)]", " ").trim().split("[\\s,;]+");
            if (words.length >= 12 && java.util.Arrays.stream(words).filter(STOP_WORDS::contains).count() <= 1) {
                found.add(new int[]{runs.start(), runs.end()});
            }
        }
        return found;
    }

    /** The Luhn check every payment card number passes. */
    static boolean luhn(String candidate) {
        var digits = candidate.replaceAll("[^0-9]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return sum % 10 == 0;
    }
}
