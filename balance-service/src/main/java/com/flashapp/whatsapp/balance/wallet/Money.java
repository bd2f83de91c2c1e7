package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.client.FlashClient;
import com.flashapp.whatsapp.balance.client.FlashModels.Price;
import com.flashapp.whatsapp.balance.format.MoneyFormatter;
import com.flashapp.whatsapp.balance.repository.CacheRepository;
import com.flashapp.whatsapp.contracts.Amount;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * Amounts as users say them ("10", "10 JMD", "500 sats") turned into what Flash takes: US cents for the Cash
 * wallet or sats for the Bitcoin wallet, plus the US-cent value every limit is expressed in. Fiat other than USD
 * is converted with Flash's realtime price (cached briefly). Exact arithmetic, rounding once, half-up.
 */
@ApplicationScoped
public class Money {

    /** Which wallet an amount is meant for. */
    public enum Kind { USD, SATS }

    /**
     * An amount resolved: {@code minor} is cents ({@link Kind#USD}) or sats ({@link Kind#SATS}); {@code usdCents}
     * its US-cent value; {@code asSaid} the user's own amount, formatted (e.g. {@code J$1,000.00}).
     */
    public record Quote(Kind kind, long minor, long usdCents, String asSaid) {
    }

    /** The amount cannot be used as given; {@code getMessage()} is a text for the user. */
    public static class BadAmountException extends RuntimeException {
        public BadAmountException(String message) {
            super(message);
        }
    }

    private final FlashClient flash;
    private final CacheRepository cache;

    public Money(FlashClient flash, CacheRepository cache) {
        this.flash = flash;
        this.cache = cache;
    }

    /** Resolves an amount; fails with {@link BadAmountException} for a nonsense amount or unknown currency. */
    public Uni<Quote> quote(Amount amount, Locale locale) {
        if (amount == null || amount.value() == null || amount.value().signum() <= 0) {
            return Uni.createFrom().failure(new BadAmountException("The amount must be more than zero."));
        }
        var unit = amount.unit() == null ? Amount.USD : amount.unit().trim().toUpperCase(Locale.ROOT);
        var value = amount.value();
        switch (unit) {
            case Amount.SATS, "SAT", "SATOSHI", "SATOSHIS" -> {
                if (value.stripTrailingZeros().scale() > 0) {
                    return Uni.createFrom().failure(new BadAmountException("Sats are whole numbers, e.g. 500 sats."));
                }
                return sats(value.longValueExact(), locale);
            }
            case Amount.BTC -> {
                var sats = value.movePointRight(8);
                if (sats.stripTrailingZeros().scale() > 0) {
                    return Uni.createFrom().failure(new BadAmountException("That's less than one sat."));
                }
                return sats(sats.longValueExact(), locale);
            }
            case Amount.USD, "USDT" -> {
                var cents = value.movePointRight(2);
                if (cents.stripTrailingZeros().scale() > 0) {
                    return Uni.createFrom().failure(new BadAmountException("Dollar amounts have at most 2 decimals."));
                }
                var c = cents.longValueExact();
                return Uni.createFrom().item(new Quote(Kind.USD, c, c, MoneyFormatter.fiat(value, "USD", locale)));
            }
            default -> {
                if (!unit.matches("[A-Z]{3}")) {
                    return Uni.createFrom().failure(new BadAmountException("I don't know the currency \"" + unit
                            + "\". Use an amount in USD, JMD or sats."));
                }
                return price(unit).map(price -> {
                    var displayMinor = value.movePointRight(MoneyFormatter.fractionDigits(unit));
                    var cents = displayMinor.divide(price.minorPerUsdCent(), 0, RoundingMode.HALF_UP).longValueExact();
                    if (cents <= 0) {
                        throw new BadAmountException("That amount is less than one US cent.");
                    }
                    return new Quote(Kind.USD, cents, cents, MoneyFormatter.fiat(value, unit, locale));
                });
            }
        }
    }

    /** The US-cent value of sats at the current price. */
    public Uni<Long> satsToUsdCents(long sats) {
        return price(Amount.USD).map(price -> BigDecimal.valueOf(sats).multiply(price.minorPerSat())
                .setScale(0, RoundingMode.HALF_UP).longValueExact());
    }

    /** Sats worth {@code cents} US cents at the current price. */
    public Uni<Long> usdCentsToSats(long cents) {
        return price(Amount.USD).map(price -> price.minorPerSat().signum() == 0 ? 0L
                : BigDecimal.valueOf(cents).divide(price.minorPerSat(), 0, RoundingMode.HALF_UP).longValueExact());
    }

    private Uni<Quote> sats(long sats, Locale locale) {
        if (sats <= 0) {
            return Uni.createFrom().failure(new BadAmountException("The amount must be at least 1 sat."));
        }
        return satsToUsdCents(sats).map(cents -> new Quote(Kind.SATS, sats, cents, MoneyFormatter.sats(sats, locale)));
    }

    private Uni<Price> price(String currency) {
        return cache.price(currency).flatMap(hit -> hit != null ? Uni.createFrom().item(hit)
                : flash.realtimePrice(currency)
                .onFailure(com.flashapp.whatsapp.balance.client.FlashRejectedException.class)
                .transform(e -> new BadAmountException("I don't know the currency \"" + currency
                        + "\". Use an amount in USD, JMD or sats."))
                .call(quote -> cache.putPrice(currency, quote)));
    }

    /** US cents as {@code $12.34}. */
    public static String usd(long cents, Locale locale) {
        return MoneyFormatter.fiat(BigDecimal.valueOf(cents, 2), "USD", locale);
    }

    /** A wallet amount in its own unit: cents as dollars, sats as sats. */
    public static String walletAmount(long minor, String walletCurrency, Locale locale) {
        return "BTC".equals(walletCurrency) ? MoneyFormatter.sats(minor, locale) : usd(minor, locale);
    }
}
