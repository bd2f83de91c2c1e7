package com.flashapp.whatsapp.balance.format;

import com.flashapp.whatsapp.balance.client.FlashModels.Balance;
import com.flashapp.whatsapp.balance.client.FlashModels.Price;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.FormatStyle;
import java.util.ArrayList;
import java.util.Locale;

/** Renders balance and price replies from Qute templates ({@code templates/balance.txt}, {@code price.txt}). */
@ApplicationScoped
public class ReplyFormatter {

    private final Template balance;
    private final Template price;
    private final ZoneId zone;
    private final Locale defaultLocale;

    public ReplyFormatter(@Location("balance.txt") Template balance, @Location("price.txt") Template price,
                          BalanceConfig config) {
        this.balance = balance;
        this.price = price;
        this.zone = ZoneId.of(config.format().zone());
        this.defaultLocale = MoneyFormatter.locale(config.format().defaultLocale(), Locale.US);
    }

    public Locale locale(String tag) {
        return MoneyFormatter.locale(tag, defaultLocale);
    }

    /** The balance message; {@code cachedAt} non-null adds "as of", {@code stale} says Flash is not answering. */
    public String balance(Balance snapshot, Locale locale, Instant cachedAt, boolean stale) {
        return balance.data("view", view(snapshot, locale, cachedAt == null ? null : time(cachedAt, locale), stale))
                .render().strip();
    }

    /** The view behind the balance template (exposed for formatting tests). */
    public static BalanceView view(Balance snapshot, Locale locale, String asOf, boolean stale) {
        var display = snapshot.displayCurrency();
        var lines = new ArrayList<BalanceView.WalletLine>();
        var total = BigDecimal.ZERO;
        for (var wallet : snapshot.wallets()) {
            BigDecimal inDisplay;
            String label;
            String amount;
            if ("BTC".equals(wallet.currency())) {
                var sats = wallet.balance().setScale(0, RoundingMode.DOWN).longValueExact();
                inDisplay = MoneyFormatter.satsToDisplay(sats, snapshot.price().minorPerSat(), display);
                label = "Bitcoin";
                amount = MoneyFormatter.btc(sats, locale) + " (" + MoneyFormatter.sats(sats, locale) + ")";
            } else {
                inDisplay = MoneyFormatter.usdCentsToDisplay(wallet.balance(), snapshot.price().minorPerUsdCent(),
                        display);
                label = "USDT".equals(wallet.currency()) ? "Cash (USDT)" : "Cash (USD)";
                amount = MoneyFormatter.fiat(MoneyFormatter.minorToMajor(wallet.balance(), "USD"), "USD", locale);
            }
            total = total.add(inDisplay);
            var sameCurrency = !"BTC".equals(wallet.currency()) && "USD".equals(display);
            lines.add(new BalanceView.WalletLine(label, amount,
                    sameCurrency ? null : MoneyFormatter.fiat(inDisplay, display, locale)));
        }
        return new BalanceView(lines, MoneyFormatter.fiat(total, display, locale), asOf, stale);
    }

    /** The price message: one BTC and 1,000 sats in the currency. */
    public String price(Price quote, Locale locale, Instant cachedAt) {
        var oneBtc = MoneyFormatter.satsToDisplay(MoneyFormatter.SATS_PER_BTC, quote.minorPerSat(), quote.currency());
        var thousandSats = MoneyFormatter.satsToDisplay(1_000, quote.minorPerSat(), quote.currency());
        return price.data("btc", MoneyFormatter.fiat(oneBtc, quote.currency(), locale))
                .data("thousandSats", MoneyFormatter.fiat(thousandSats, quote.currency(), locale))
                .data("currency", quote.currency())
                .data("asOf", cachedAt == null ? null : time(cachedAt, locale))
                .render().strip();
    }

    /** A local time (and date when not today) for "as of" and "locked until". */
    public String time(Instant instant, Locale locale) {
        var local = instant.atZone(zone);
        var today = Instant.now().atZone(zone).toLocalDate();
        var timeText = DateTimeFormatter.ofLocalizedTime(FormatStyle.SHORT).withLocale(locale).format(local);
        if (local.toLocalDate().equals(today)) {
            return timeText;
        }
        return DateTimeFormatter.ofLocalizedDate(FormatStyle.MEDIUM).withLocale(locale).format(local) + " " + timeText;
    }
}
