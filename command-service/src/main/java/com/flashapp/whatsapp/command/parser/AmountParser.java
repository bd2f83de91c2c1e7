package com.flashapp.whatsapp.command.parser;

import com.flashapp.whatsapp.contracts.Amount;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Map.entry;

/**
 * Reads amounts the way people type them: {@code 5}, {@code $5}, {@code 5 usd}, {@code 1000 sats}, {@code 1k sats},
 * {@code J$500}, {@code 500JMD}, {@code 1,000}, {@code 5,50}, {@code 0.0001 btc}. Never a double.
 */
public final class AmountParser {

    /** The words and symbols that name a unit, lower case. */
    static final Map<String, String> UNITS = Map.ofEntries(
            entry("sat", Amount.SATS), entry("sats", Amount.SATS), entry("satoshi", Amount.SATS),
            entry("satoshis", Amount.SATS), entry("sathoshis", Amount.SATS), entry("sast", Amount.SATS),
            entry("btc", Amount.BTC), entry("bitcoin", Amount.BTC), entry("bitcoins", Amount.BTC),
            entry("₿", Amount.BTC),
            entry("usd", Amount.USD), entry("us$", Amount.USD), entry("$", Amount.USD), entry("dollar", Amount.USD),
            entry("dollars", Amount.USD), entry("bucks", Amount.USD), entry("dolares", Amount.USD),
            entry("dólares", Amount.USD), entry("usdollars", Amount.USD), entry("dolla", Amount.USD),
            entry("dollaz", Amount.USD), entry("dollas", Amount.USD), entry("dolar", Amount.USD),
            entry("buck", Amount.USD),
            entry("jmd", "JMD"), entry("j$", "JMD"), entry("ja$", "JMD"), entry("jmd$", "JMD"),
            entry("eur", "EUR"), entry("euro", "EUR"), entry("euros", "EUR"), entry("€", "EUR"),
            entry("gbp", "GBP"), entry("£", "GBP"), entry("pounds", "GBP"),
            entry("ttd", "TTD"), entry("tt$", "TTD"),
            entry("xcd", "XCD"), entry("ec$", "XCD"),
            entry("bbd", "BBD"), entry("bds$", "BBD"),
            entry("cad", "CAD"), entry("ca$", "CAD"), entry("c$", "CAD"),
            entry("kyd", "KYD"), entry("ci$", "KYD"),
            entry("bsd", "BSD"), entry("htg", "HTG"), entry("dop", "DOP"), entry("mxn", "MXN"),
            entry("bzd", "BZD"), entry("gyd", "GYD"));

    private static final String NUMBER = "(\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|\\d+(?:[.,]\\d+)?|\\.\\d+)";
    private static final Pattern PLAIN = Pattern.compile(NUMBER + "(k)?");
    private static final Pattern PREFIXED = Pattern.compile("([a-z]{0,3}\\$|[€£₿]|[a-z]{3})" + NUMBER + "(k)?");
    private static final Pattern SUFFIXED = Pattern.compile(NUMBER + "(k)?([a-z$€£₿]{1,9}\\$?)");
    private static final Pattern TRAILING = Pattern.compile("[,.;:!?]+$");

    private final String defaultUnit;

    public AmountParser(String defaultUnit) {
        this.defaultUnit = defaultUnit;
    }

    /** An amount and how many tokens it took. */
    public record Parsed(Amount amount, int consumed) {
    }

    /**
     * Reads an amount starting at {@code tokens[index]} (one token like {@code $5} or two like {@code 5 usd});
     * empty when the token is not an amount. Throws when it is one but is not valid (zero, fractional sats).
     */
    public Optional<Parsed> parse(List<String> tokens, int index) throws ArgumentException {
        if (index >= tokens.size()) {
            return Optional.empty();
        }
        var first = lower(tokens.get(index));
        var next = index + 1 < tokens.size() ? lower(tokens.get(index + 1)) : null;

        var plain = PLAIN.matcher(first);
        if (plain.matches()) {
            var value = number(plain.group(1), plain.group(2) != null);
            if (next != null && UNITS.containsKey(next)) {
                return Optional.of(new Parsed(validated(value, UNITS.get(next)), 2));
            }
            return Optional.of(new Parsed(validated(value, defaultUnit), 1));
        }
        var prefixed = PREFIXED.matcher(first);
        if (prefixed.matches() && UNITS.containsKey(prefixed.group(1))) {
            var value = number(prefixed.group(2), prefixed.group(3) != null);
            return Optional.of(new Parsed(validated(value, UNITS.get(prefixed.group(1))), 1));
        }
        var suffixed = SUFFIXED.matcher(first);
        if (suffixed.matches() && UNITS.containsKey(suffixed.group(3))) {
            var value = number(suffixed.group(1), suffixed.group(2) != null);
            return Optional.of(new Parsed(validated(value, UNITS.get(suffixed.group(3))), 1));
        }
        if (UNITS.containsKey(first) && next != null) {
            var afterUnit = PLAIN.matcher(next);
            if (afterUnit.matches()) {
                var value = number(afterUnit.group(1), afterUnit.group(2) != null);
                return Optional.of(new Parsed(validated(value, UNITS.get(first)), 2));
            }
        }
        return Optional.empty();
    }

    /** The ISO code or unit a word names ("jmd", "j$", "sats"), if any. */
    public static Optional<String> unit(String token) {
        return Optional.ofNullable(UNITS.get(lower(token)));
    }

    private static String lower(String token) {
        return TRAILING.matcher(token.toLowerCase(Locale.ROOT)).replaceAll("");
    }

    private static BigDecimal number(String digits, boolean thousands) {
        String normalized;
        if (digits.matches("\\d+,\\d{1,2}")) {
            normalized = digits.replace(',', '.'); // "5,50": a decimal comma
        } else {
            normalized = digits.replace(",", "");
        }
        var value = new BigDecimal(normalized);
        return thousands ? value.multiply(BigDecimal.valueOf(1000)).stripTrailingZeros() : value;
    }

    private static Amount validated(BigDecimal value, String unit) throws ArgumentException {
        var plain = value.scale() < 0 ? value.setScale(0) : value;
        if (plain.signum() <= 0) {
            throw new ArgumentException("The amount must be more than zero.");
        }
        if (Amount.SATS.equals(unit) && plain.stripTrailingZeros().scale() > 0) {
            throw new ArgumentException("Sats are whole numbers, like `1000 sats`.");
        }
        if (Amount.BTC.equals(unit) && plain.stripTrailingZeros().scale() > 8) {
            throw new ArgumentException("Bitcoin has at most 8 decimals, like `0.0001 BTC`.");
        }
        if (!Amount.SATS.equals(unit) && !Amount.BTC.equals(unit) && plain.stripTrailingZeros().scale() > 2) {
            throw new ArgumentException("Use at most 2 decimals, like `5.25 " + unit + "`.");
        }
        return new Amount(plain, unit);
    }
}
