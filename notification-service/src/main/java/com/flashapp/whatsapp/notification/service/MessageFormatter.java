package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.Payment;
import com.flashapp.whatsapp.notification.Preferences;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Words users read: payment notifications, digests and preference confirmations, from the Qute templates in
 * {@code templates/} (payment texts also in Spanish, {@code *_es.txt}), with amounts formatted for the user's locale
 * (or the configured one); and the variables of the approved
 * WhatsApp templates used outside the 24-hour window.
 */
@ApplicationScoped
public class MessageFormatter {

    /** Approved template keys (mapped to ContentSids in app.templates.content-sids). */
    public static final String TEMPLATE_RECEIVED = "payment_received";
    public static final String TEMPLATE_SENT = "payment_sent";
    public static final String TEMPLATE_DIGEST = "payment_digest";

    private final Template received;
    private final Template sent;
    private final Template digest;
    private final Template preferences;
    private final Template invalid;
    private final Template receivedEs;
    private final Template sentEs;
    private final Template digestEs;
    private final Locale locale;
    private final int digestMaxLines;

    public MessageFormatter(@Location("payment_received.txt") Template received,
                            @Location("payment_sent.txt") Template sent,
                            @Location("payment_digest.txt") Template digest,
                            @Location("preferences.txt") Template preferences,
                            @Location("preferences_invalid.txt") Template invalid,
                            @Location("payment_received_es.txt") Template receivedEs,
                            @Location("payment_sent_es.txt") Template sentEs,
                            @Location("payment_digest_es.txt") Template digestEs,
                            NotificationConfig config) {
        this.receivedEs = receivedEs;
        this.sentEs = sentEs;
        this.digestEs = digestEs;
        this.received = received;
        this.sent = sent;
        this.digest = digest;
        this.preferences = preferences;
        this.invalid = invalid;
        this.locale = Locale.forLanguageTag(config.notifications().locale());
        this.digestMaxLines = config.notifications().digestMaxLines();
    }

    /** Text and approved-template key and variables of one payment's notification. */
    public record Rendered(String body, String templateKey, Map<String, String> variables) {
    }

    /** The service-wide locale ({@code app.notifications.locale}), for users whose own is not known. */
    public Locale defaultLocale() {
        return locale;
    }

    public Rendered payment(Payment p) {
        return payment(p, locale);
    }

    /** In the user's locale: Spanish words for Spanish speakers (English otherwise), numbers as they write them. */
    public Rendered payment(Payment p, Locale userLocale) {
        var amount = walletAmount(p, userLocale);
        var display = displayAmount(p, userLocale);
        var counterparty = blankToNull(p.counterparty());
        boolean incoming = Payment.RECEIVED.equals(p.eventType());
        var spanish = spanish(userLocale);
        var body = (incoming ? (spanish ? receivedEs : received) : (spanish ? sentEs : sent))
                .data("amount", amount)
                .data("display", display)
                .data("counterparty", counterparty)
                .data("memo", blankToNull(p.memo()))
                .render().strip();
        var variables = new LinkedHashMap<String, String>();
        variables.put("1", display == null ? amount : amount + " (" + display + ")");
        variables.put("2", counterparty(p));
        return new Rendered(body, incoming ? TEMPLATE_RECEIVED : TEMPLATE_SENT, variables);
    }

    public Rendered digest(List<Payment> payments) {
        return digest(payments, locale);
    }

    public Rendered digest(List<Payment> payments, Locale userLocale) {
        var lines = payments.stream().limit(digestMaxLines).map(p -> line(p, userLocale)).toList();
        var body = (spanish(userLocale) ? digestEs : digest).data("count", payments.size())
                .data("lines", lines)
                .data("more", Math.max(0, payments.size() - lines.size()))
                .render().strip();
        var variables = new LinkedHashMap<String, String>();
        variables.put("1", String.valueOf(payments.size()));
        return new Rendered(body, TEMPLATE_DIGEST, variables);
    }

    public String preferences(Preferences p, boolean changed) {
        String minimum = p.minimumValue() == null ? "none" : money(p.minimumValue(), p.minimumUnit());
        String quiet = p.hasQuietHours()
                ? p.quietStart() + "–" + p.quietEnd() + " (" + p.timeZone().getId() + ")" : "off";
        String frequency = switch (p.frequency()) {
            case Preferences.HOURLY -> "hourly digest";
            case Preferences.DAILY -> "daily digest";
            default -> "right away";
        };
        return preferences.data("changed", changed).data("enabled", p.enabled()).data("minimum", minimum)
                .data("quiet", quiet).data("frequency", frequency).render().strip();
    }

    public String invalid(String problem) {
        return invalid.data("problem", problem).render().strip();
    }

    private String line(Payment p, Locale userLocale) {
        var display = displayAmount(p, userLocale);
        var amount = walletAmount(p, userLocale) + (display == null ? "" : " (" + display + ")");
        var name = blankToNull(p.counterparty());
        if (spanish(userLocale)) {
            return Payment.RECEIVED.equals(p.eventType())
                    ? "Recibiste " + amount + (name == null ? " (Lightning)" : " de " + name)
                    : "Enviaste " + amount + (name == null ? " (Lightning)" : " a " + name);
        }
        return Payment.RECEIVED.equals(p.eventType())
                ? "Received " + amount + (name == null ? " (Lightning)" : " from " + name)
                : "Sent " + amount + (name == null ? " (Lightning)" : " to " + name);
    }

    /** The amount in the wallet's own unit: sats for BTC wallets, dollars and cents for USD wallets. */
    String walletAmount(Payment p) {
        return walletAmount(p, locale);
    }

    String walletAmount(Payment p, Locale locale) {
        if ("USD".equalsIgnoreCase(p.walletCurrency())) {
            return money(BigDecimal.valueOf(p.amountMinor()).movePointLeft(2), "USD", locale);
        }
        return NumberFormat.getIntegerInstance(locale).format(p.amountMinor())
                + (p.amountMinor() == 1 ? " sat" : " sats");
    }

    /** The amount in the user's display currency, unless that is the wallet's own unit or unknown. */
    String displayAmount(Payment p) {
        return displayAmount(p, locale);
    }

    String displayAmount(Payment p, Locale locale) {
        if (p.displayAmount() == null || p.displayCurrency() == null
                || p.displayCurrency().equalsIgnoreCase(p.walletCurrency())) {
            return null;
        }
        return money(p.displayAmount(), p.displayCurrency(), locale);
    }

    /** A locale-aware money amount: J$1,560.00, US$12.34, 100 sats. */
    String money(BigDecimal value, String unit) {
        return money(value, unit, locale);
    }

    String money(BigDecimal value, String unit, Locale locale) {
        if (unit == null || "SATS".equalsIgnoreCase(unit)) {
            return NumberFormat.getIntegerInstance(locale).format(value) + " sats";
        }
        if ("BTC".equalsIgnoreCase(unit)) {
            return value.stripTrailingZeros().toPlainString() + " BTC";
        }
        Currency currency;
        try {
            currency = Currency.getInstance(unit.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return value.toPlainString() + " " + unit;
        }
        var number = NumberFormat.getNumberInstance(locale);
        number.setMinimumFractionDigits(currency.getDefaultFractionDigits());
        number.setMaximumFractionDigits(currency.getDefaultFractionDigits());
        var symbol = switch (currency.getCurrencyCode()) {
            case "JMD" -> "J$";
            case "USD" -> "US$";
            default -> {
                var s = currency.getSymbol(locale);
                yield s.equals(currency.getCurrencyCode()) ? s + " " : s;
            }
        };
        return symbol + number.format(value.setScale(currency.getDefaultFractionDigits(), RoundingMode.HALF_UP));
    }

    private static boolean spanish(Locale userLocale) {
        return userLocale != null && "es".equals(userLocale.getLanguage());
    }

    private static String counterparty(Payment p) {
        var name = blankToNull(p.counterparty());
        return name == null ? "a Lightning payment" : name;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
