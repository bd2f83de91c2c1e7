package com.flashapp.whatsapp.balance.format;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

/**
 * Exact money arithmetic and locale-aware formatting for replies. Sats are {@code long}, fiat amounts
 * {@link BigDecimal}; rounding happens once, at the end, half-up to the currency's fraction digits.
 * Symbols are the ones our users know ({@code JMD} is {@code J$}, {@code USD} is {@code $}), placed where the
 * user's locale puts a currency symbol.
 */
public final class MoneyFormatter {

    public static final long SATS_PER_BTC = 100_000_000L;

    private static final Map<String, String> SYMBOLS = Map.of(
            "JMD", "J$", "USD", "$", "USDT", "$", "EUR", "€", "GBP", "£", "TTD", "TT$", "BBD", "Bds$",
            "XCD", "EC$", "KYD", "CI$", "CAD", "CA$");

    private MoneyFormatter() {
    }

    /** The symbol shown for a currency code. */
    public static String symbol(String currency) {
        return SYMBOLS.getOrDefault(currency.toUpperCase(Locale.ROOT), currency.toUpperCase(Locale.ROOT) + " ");
    }

    /** Digits after the decimal point of a currency (2 when Java does not know it). */
    public static int fractionDigits(String currency) {
        if ("USDT".equalsIgnoreCase(currency)) {
            return 2;
        }
        try {
            var digits = Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits();
            return digits < 0 ? 2 : digits;
        } catch (IllegalArgumentException e) {
            return 2;
        }
    }

    /** Minor units of a currency to major units, exactly (no rounding). */
    public static BigDecimal minorToMajor(BigDecimal minor, String currency) {
        return minor.movePointLeft(fractionDigits(currency));
    }

    /** A fiat amount in major units, e.g. {@code J$1,234.57} (en-JM) or {@code 1.234,57 €} (de-DE). */
    public static String fiat(BigDecimal major, String currency, Locale locale) {
        var format = NumberFormat.getCurrencyInstance(locale);
        if (!(format instanceof DecimalFormat decimal)) {
            return symbol(currency) + major.setScale(fractionDigits(currency), RoundingMode.HALF_UP).toPlainString();
        }
        var symbols = DecimalFormatSymbols.getInstance(locale);
        symbols.setCurrencySymbol(symbol(currency));
        decimal.setDecimalFormatSymbols(symbols);
        var digits = fractionDigits(currency);
        decimal.setMinimumFractionDigits(digits);
        decimal.setMaximumFractionDigits(digits);
        decimal.setRoundingMode(RoundingMode.HALF_UP);
        decimal.setParseBigDecimal(true);
        return spaces(decimal.format(major)).strip();
    }

    /** Sats with grouping, e.g. {@code 1,234,567 sats}. */
    public static String sats(long sats, Locale locale) {
        return spaces(NumberFormat.getIntegerInstance(locale).format(sats)) + (Math.abs(sats) == 1 ? " sat" : " sats");
    }

    /** Sats as BTC with all 8 decimals, e.g. {@code 0.01234567 BTC}. */
    public static String btc(long sats, Locale locale) {
        var format = NumberFormat.getNumberInstance(locale);
        format.setMinimumFractionDigits(8);
        format.setMaximumFractionDigits(8);
        return spaces(format.format(BigDecimal.valueOf(sats, 8))) + " BTC";
    }

    /** The display value of sats: {@code sats * base / 10^offset} minor units, as major units (unrounded). */
    public static BigDecimal satsToDisplay(long sats, BigDecimal minorPerSat, String displayCurrency) {
        return minorToMajor(BigDecimal.valueOf(sats).multiply(minorPerSat), displayCurrency);
    }

    /** The display value of US cents (may be fractional), as major units (unrounded). */
    public static BigDecimal usdCentsToDisplay(BigDecimal cents, BigDecimal minorPerUsdCent, String displayCurrency) {
        return minorToMajor(cents.multiply(minorPerUsdCent), displayCurrency);
    }

    // CLDR uses (narrow) no-break spaces in some locales; they render badly in some WhatsApp clients
    private static String spaces(String text) {
        return text.replace('\u00A0', ' ').replace('\u202F', ' ');
    }

    /** A BCP 47 tag to a locale, with a fallback for blanks and nonsense. */
    public static Locale locale(String tag, Locale fallback) {
        if (tag == null || tag.isBlank()) {
            return fallback;
        }
        var locale = Locale.forLanguageTag(tag.replace('_', '-'));
        return locale.getLanguage().isEmpty() ? fallback : locale;
    }
}
