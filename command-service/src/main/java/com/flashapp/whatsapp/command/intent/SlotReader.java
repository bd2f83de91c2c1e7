package com.flashapp.whatsapp.command.intent;

import com.flashapp.whatsapp.command.parser.AmountParser;
import com.flashapp.whatsapp.command.parser.ArgumentException;
import com.flashapp.whatsapp.command.parser.RecipientParser;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Map.entry;

/**
 * Reads the slots of a natural message with the parser's own amount and recipient readers, after turning number
 * words into digits ("five dollars" is "5 dollars", "twenty five" is "25").
 */
public final class SlotReader {

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(
            entry("one", 1), entry("two", 2), entry("three", 3), entry("four", 4), entry("five", 5),
            entry("six", 6), entry("seven", 7), entry("eight", 8), entry("nine", 9), entry("ten", 10),
            entry("eleven", 11), entry("twelve", 12), entry("fifteen", 15), entry("twenty", 20),
            entry("thirty", 30), entry("forty", 40), entry("fifty", 50), entry("hundred", 100),
            entry("uno", 1), entry("dos", 2), entry("tres", 3), entry("cinco", 5), entry("diez", 10),
            entry("veinte", 20), entry("cien", 100));
    private static final Set<String> NOT_A_NAME = Set.of("me", "mi", "my", "him", "her", "them", "you", "yuh",
            "u", "the", "a", "an", "someone", "somebody", "friend", "mom", "mum", "dad", "brother", "sister",
            "bredda", "sista", "it", "this", "that", "pay", "send", "get", "bank", "usd", "jmd", "dollars", "jamaica",
            "whatsapp", "flash", "bitcoin", "btc", "sats", "be", "do", "ask", "buy");
    private static final Set<String> COUNTED = Set.of("transaction", "payment", "history", "last", "recent");

    private final AmountParser amounts;
    private final RecipientParser recipients;

    public SlotReader(AmountParser amounts, RecipientParser recipients) {
        this.amounts = amounts;
        this.recipients = recipients;
    }

    public Slots read(Words message) {
        var raw = numbersAsDigits(message.raw());
        var words = message.words();
        var used = new boolean[raw.size()];
        Recipient recipient = null;
        String recipientWord = null;
        for (int i = 0; i < raw.size() && recipient == null; i++) {
            var found = recipients.parse(raw, i, false);
            // a bare name only after an amount and "to"/"from" ("5 to bob"): "i want to request money" has none
            if (found.isEmpty() && i > 1 && isNameAfter(words.get(i - 1)) && digitBefore(raw, i - 1)
                    && !NOT_A_NAME.contains(words.get(i)) && !raw.get(i).matches(".*\\d.*")) {
                found = recipients.parse(raw, i, true);
            }
            if (found.isPresent()) {
                recipient = found.get().recipient();
                recipientWord = i > 0 ? words.get(i - 1) : null;
                for (int j = i; j < i + found.get().consumed(); j++) {
                    used[j] = true;
                }
            }
        }
        Amount amount = null;
        Integer count = null;
        String currency = null;
        for (int i = 0; i < raw.size(); i++) {
            if (used[i]) {
                continue;
            }
            var parsed = amount(raw, i);
            if (parsed != null) {
                var next = i + parsed.consumed() < words.size() ? words.get(i + parsed.consumed()) : "";
                var previous = i > 0 ? words.get(i - 1) : "";
                var whole = parsed.amount().value().stripTrailingZeros().scale() <= 0;
                if (whole && parsed.consumed() == 1 && (COUNTED.contains(next) || COUNTED.contains(previous))) {
                    count = count == null ? parsed.amount().value().intValue() : count;
                } else if (amount == null) {
                    amount = parsed.amount();
                }
                i += parsed.consumed() - 1;
                continue;
            }
            var unit = AmountParser.unit(raw.get(i));
            if (unit.isPresent() && currency == null && !Amount.SATS.equals(unit.get())
                    && !Amount.BTC.equals(unit.get())) {
                currency = unit.get();
            } else if ("jamaican".equals(words.get(i)) && currency == null) {
                currency = "JMD";
            }
        }
        if (amount != null && "JMD".equals(currency) && Amount.USD.equals(amount.unit())) {
            amount = new Amount(amount.value(), "JMD"); // "5000 jamaican dollars"
        }
        return new Slots(amount, recipient, recipientWord, currency, count);
    }

    private static boolean digitBefore(List<String> raw, int end) {
        return raw.subList(0, end).stream().anyMatch(token -> token.matches(".*\\d.*"));
    }

    private static boolean isNameAfter(String word) {
        return word.equals("to") || word.equals("from") || word.equals("para");
    }

    private AmountParser.Parsed amount(List<String> raw, int i) {
        try {
            return amounts.parse(raw, i).orElse(null);
        } catch (ArgumentException e) {
            return null; // "0 dollars", "1.5 sats": not an amount a command could use
        }
    }

    /** "five" -> "5", "twenty five" -> "25", "five hundred" -> "500"; other tokens as they are. */
    static List<String> numbersAsDigits(List<String> raw) {
        var out = new ArrayList<String>();
        for (int i = 0; i < raw.size(); i++) {
            var word = raw.get(i).toLowerCase(java.util.Locale.ROOT);
            var value = NUMBERS.get(word);
            if (value == null) {
                out.add(raw.get(i));
                continue;
            }
            var total = value;
            while (i + 1 < raw.size() && NUMBERS.containsKey(raw.get(i + 1).toLowerCase(java.util.Locale.ROOT))) {
                var next = NUMBERS.get(raw.get(i + 1).toLowerCase(java.util.Locale.ROOT));
                total = next == 100 ? total * 100 : total + next;
                i++;
            }
            if (i + 1 < raw.size() && raw.get(i + 1).equalsIgnoreCase("thousand")) {
                total *= 1000;
                i++;
            }
            out.add(Integer.toString(total));
        }
        return out;
    }
}
