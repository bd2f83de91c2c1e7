package com.flashapp.whatsapp.aisupport.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.regex.Pattern;

/**
 * Removes what must never be stored in memory or sent to the AI provider: Lightning invoices and LNURLs, phone
 * numbers, one-time-code-looking digit runs (4 to 8 digits that are not an amount), long token-like strings.
 */
@ApplicationScoped
public class Redactor {

    private static final Pattern INVOICE = Pattern.compile("(?i)\\b(?:lnbc|lntbs|lntb|lnbcrt|lnurl)[0-9a-z]{10,}\\b");
    private static final Pattern TOKEN = Pattern.compile("\\b(?=[A-Za-z0-9_\\-]*\\d)(?=[A-Za-z0-9_\\-]*[A-Za-z])"
            + "[A-Za-z0-9_\\-]{24,}\\b");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w])\\+?\\d[\\d\\s().\\-]{8,}\\d(?![\\w])");
    // 4-8 digits standing alone, unless written as money ($1000, 5000 sats, 2500 JMD...)
    private static final Pattern CODE = Pattern.compile("(?<![\\w$.,])\\d{4,8}(?![\\w.,])"
            + "(?!\\s*(?i:sats?|satoshis?|usd|jmd|ttd|dollars?|bucks|cents?|btc)\\b)");

    /** The text with invoices, tokens, phone numbers and codes replaced by placeholders. */
    public String redact(String text) {
        if (text == null) {
            return "";
        }
        var out = INVOICE.matcher(text).replaceAll("[invoice]");
        out = TOKEN.matcher(out).replaceAll("[secret]");
        out = PHONE.matcher(out).replaceAll("[phone]");
        out = CODE.matcher(out).replaceAll("[code]");
        return out;
    }
}
