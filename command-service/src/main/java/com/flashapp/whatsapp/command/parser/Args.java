package com.flashapp.whatsapp.command.parser;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;

import java.util.ArrayList;

/**
 * The arguments of one parsed command; which fields a command uses is its grammar's business.
 *
 * @param option    a sub-command or mode ("refresh", "more", "on", "quiet", "status", "list"...)
 * @param value     a free value (a code, a currency, quiet hours, a help topic, an admin target, a question)
 * @param amount    an amount as the user said it
 * @param recipient who money goes to or is requested from
 * @param memo      a note for the payment or invoice
 * @param number    a count or a 1-based index
 */
public record Args(String option, String value, Amount amount, Recipient recipient, String memo, Integer number) {

    public static final Args NONE = new Args(null, null, null, null, null, null);

    public static Args option(String option) {
        return new Args(option, null, null, null, null, null);
    }

    public static Args value(String value) {
        return new Args(null, value, null, null, null, null);
    }

    public Args withOption(String newOption) {
        return new Args(newOption, value, amount, recipient, memo, number);
    }

    /** A stable one-line form for tests and logs-free debugging: {@code option=refresh amount=5 USD}. */
    public String canonical() {
        var parts = new ArrayList<String>();
        if (option != null) {
            parts.add("option=" + option);
        }
        if (value != null) {
            parts.add("value=" + value);
        }
        if (amount != null) {
            parts.add("amount=" + amount.value().toPlainString() + " " + amount.unit());
        }
        if (recipient != null) {
            parts.add("to=" + recipient.kind() + ":" + recipient.value());
        }
        if (memo != null) {
            parts.add("memo=" + memo);
        }
        if (number != null) {
            parts.add("number=" + number);
        }
        return String.join(" ", parts);
    }
}
