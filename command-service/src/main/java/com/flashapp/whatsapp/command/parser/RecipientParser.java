package com.flashapp.whatsapp.command.parser;

import com.flashapp.whatsapp.contracts.Recipient;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads who money goes to: {@code @username}, a phone number in most written forms, a Lightning invoice or a
 * Lightning address; a bare username only where the grammar says one is expected ("send 5 to maria").
 */
public final class RecipientParser {

    private static final Pattern INVOICE =
            Pattern.compile("(?:lightning:)?((?:lnbcrt|lntbs|lnbc|lntb|lnsb)[0-9a-z]{20,})", Pattern.CASE_INSENSITIVE);
    private static final Pattern LN_ADDRESS =
            Pattern.compile("(?:lightning:)?([a-z0-9._+-]+@[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.[a-z]{2,})",
                    Pattern.CASE_INSENSITIVE);
    private static final Pattern USERNAME = Pattern.compile("@([a-zA-Z0-9_]{3,50})");
    private static final Pattern BARE_USERNAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{2,49}");
    private static final Pattern PHONE_PART = Pattern.compile("(?:whatsapp:)?[+\\d().\\-]+");
    private static final Pattern TRAILING = Pattern.compile("[,;:!?]+$|\\.$");
    private static final int MAX_PHONE_TOKENS = 4;

    private final String defaultCountryCode;

    public RecipientParser(String defaultCountryCode) {
        this.defaultCountryCode = defaultCountryCode;
    }

    /** A recipient and how many tokens it took. */
    public record Parsed(Recipient recipient, int consumed) {
    }

    /** The recipient starting at {@code tokens[index]}, if there is one. */
    public Optional<Parsed> parse(List<String> tokens, int index, boolean bareUsernameAllowed) {
        if (index >= tokens.size()) {
            return Optional.empty();
        }
        var token = TRAILING.matcher(tokens.get(index)).replaceAll("");
        var single = single(token);
        if (single.isPresent()) {
            return Optional.of(new Parsed(single.get(), 1));
        }
        var phone = phone(tokens, index);
        if (phone.isPresent()) {
            return phone;
        }
        if (bareUsernameAllowed && BARE_USERNAME.matcher(token).matches()) {
            return Optional.of(new Parsed(new Recipient(Recipient.Kind.USERNAME, token), 1));
        }
        return Optional.empty();
    }

    /** An invoice, Lightning address or @username written as one token. */
    public static Optional<Recipient> single(String token) {
        var invoice = INVOICE.matcher(token);
        if (invoice.matches()) {
            return Optional.of(new Recipient(Recipient.Kind.LIGHTNING_INVOICE,
                    invoice.group(1).toLowerCase(Locale.ROOT)));
        }
        var username = USERNAME.matcher(token);
        if (username.matches()) {
            return Optional.of(new Recipient(Recipient.Kind.USERNAME, username.group(1)));
        }
        var address = LN_ADDRESS.matcher(token);
        if (address.matches()) {
            return Optional.of(new Recipient(Recipient.Kind.LIGHTNING_ADDRESS,
                    address.group(1).toLowerCase(Locale.ROOT)));
        }
        return Optional.empty();
    }

    /** A phone number written across up to four tokens ("+1 876 555 1234", "(876) 555-1234"). */
    private Optional<Parsed> phone(List<String> tokens, int index) {
        var joined = new StringBuilder();
        Parsed best = null;
        for (int i = index; i < tokens.size() && i < index + MAX_PHONE_TOKENS; i++) {
            var part = TRAILING.matcher(tokens.get(i)).replaceAll("");
            if (!PHONE_PART.matcher(part).matches()) {
                break;
            }
            joined.append(part);
            var e164 = e164(joined.toString());
            if (e164 != null) {
                best = new Parsed(new Recipient(Recipient.Kind.PHONE, e164), i - index + 1);
            }
        }
        return Optional.ofNullable(best);
    }

    /** E.164 for a written number, or null when it is not one. */
    public String e164(String written) {
        var text = written.toLowerCase(Locale.ROOT).replace("whatsapp:", "");
        var plus = text.startsWith("+") || text.startsWith("00");
        var digits = text.replaceAll("\\D", "");
        if (text.startsWith("00")) {
            digits = digits.substring(2);
        }
        if (plus) {
            return digits.length() >= 8 && digits.length() <= 15 ? "+" + digits : null;
        }
        if (digits.length() == 10) {
            return "+" + defaultCountryCode + digits;
        }
        if (digits.length() == 10 + defaultCountryCode.length() && digits.startsWith(defaultCountryCode)) {
            return "+" + digits;
        }
        return null;
    }
}
