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
 * {@code templates/}, with amounts formatted for the configured locale; and the variables of the approved
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
    private final Locale locale;
    private final int digestMaxLines;

    public MessageFormatter(@Location("payment_received.txt") Template received,
                            @Location("payment_sent.txt") Template sent,
                            @Location("payment_digest.txt") Template digest,
                            @Location("preferences.txt") Template preferences,
                            @Location("preferences_invalid.txt") Template invalid,
                            NotificationConfig config) {
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

    public Rendered payment(Payment p) {
        var amount = walletAmount(p);
        var display = displayAmount(p);
        var counterparty = blankToNull(p.counterparty());
        boolean incoming = Payment.RECEIVED.equals(p.eventType());
        var body = (incoming ? received : sent)
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
        var lines = payments.stream().limit(digestMaxLines).map(this::line).toList();
        var body = digest.data("count", payments.size())
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

    private String line(Payment p) {
        var display = displayAmount(p);
        var amount = walletAmount(p) + (display == null ? "" : " (" + display + ")");
        var name = blankToNull(p.counterparty());
        return Payment.RECEIVED.equals(p.eventType())
                ? "Received " + amount + (name == null ? " (Lightning)" : " from " + name)
                : "Sent " + amount + (name == null ? " (Lightning)" : " to " + name);
    }

    /** The amount in the wallet's own unit: sats for BTC wallets, dollars and cents for USD wallets. */
    String walletAmount(Payment p) {
        if ("USD".equalsIgnoreCase(p.walletCurrency())) {
            return money(BigDecimal.valueOf(p.amountMinor()).movePointLeft(2), "USD");
        }
        return NumberFormat.getIntegerInstance(locale).format(p.amountMinor())
                + (p.amountMinor() == 1 ? " sat" : " sats");
    }

    /** The amount in the user's display currency, unless that is the wallet's own unit or unknown. */
    String displayAmount(Payment p) {
        if (p.displayAmount() == null || p.displayCurrency() == null
                || p.displayCurrency().equalsIgnoreCase(p.walletCurrency())) {
            return null;
        }
        return money(p.displayAmount(), p.displayCurrency());
    }

    /** A locale-aware money amount: J$1,560.00, US$12.34, 100 sats. */
    String money(BigDecimal value, String unit) {
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

    private static String counterparty(Payment p) {
        var name = blankToNull(p.counterparty());
        return name == null ? "a Lightning payment" : name;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
