package com.flashapp.whatsapp.balance.format;

import com.flashapp.whatsapp.balance.client.FlashModels.Balance;
import com.flashapp.whatsapp.balance.client.FlashModels.Price;
import com.flashapp.whatsapp.balance.client.FlashModels.Wallet;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Exact arithmetic and locale-aware formatting of money. */
class MoneyFormatterTest {

    static final Locale JAMAICA = Locale.forLanguageTag("en-JM");
    static final Locale US = Locale.US;
    static final Locale GERMANY = Locale.GERMANY;
    static final Locale FRANCE = Locale.FRANCE;
    /** 1 sat = 15.6789 JMD cents, 1 US cent = 1.57 JMD cents. */
    static final Price JMD = new Price("JMD", 156789, 4, 157, 2, Instant.parse("2026-11-27T12:00:00Z"));

    @Test
    void jamaicanDollarsShowAsJDollarWithTheLocalesSeparators() {
        assertEquals("J$1,234,567.01", MoneyFormatter.fiat(new BigDecimal("1234567.005"), "JMD", JAMAICA));
        assertEquals("1.234.567,01 J$", MoneyFormatter.fiat(new BigDecimal("1234567.005"), "JMD", GERMANY));
        assertEquals("1 234 567,01 J$", MoneyFormatter.fiat(new BigDecimal("1234567.005"), "JMD", FRANCE));
    }

    @Test
    void usDollarsShowAsDollar() {
        assertEquals("$25.50", MoneyFormatter.fiat(new BigDecimal("25.5"), "USD", US));
        assertEquals("$25.50", MoneyFormatter.fiat(new BigDecimal("25.5"), "USD", JAMAICA));
        assertEquals("25,50 $", MoneyFormatter.fiat(new BigDecimal("25.5"), "USD", GERMANY));
    }

    @Test
    void zeroAndRoundingEdgesRoundHalfUpOnceAtTheEnd() {
        assertEquals("$0.00", MoneyFormatter.fiat(BigDecimal.ZERO, "USD", US));
        assertEquals("$0.01", MoneyFormatter.fiat(new BigDecimal("0.005"), "USD", US));
        assertEquals("$0.00", MoneyFormatter.fiat(new BigDecimal("0.004999"), "USD", US));
        assertEquals("$1.00", MoneyFormatter.fiat(new BigDecimal("0.995"), "USD", US));
        // fractional USDT cents (914.7993 cents)
        assertEquals("$9.15", MoneyFormatter.fiat(MoneyFormatter.minorToMajor(new BigDecimal("914.7993"), "USD"),
                "USD", US));
    }

    @Test
    void currenciesWithOtherFractionDigitsAndUnknownSymbols() {
        assertEquals(0, MoneyFormatter.fractionDigits("JPY"));
        assertEquals(3, MoneyFormatter.fractionDigits("BHD"));
        assertEquals(new BigDecimal("12.345"), MoneyFormatter.minorToMajor(new BigDecimal("12345"), "BHD"));
        assertEquals("JPY 1,235", MoneyFormatter.fiat(new BigDecimal("1234.5"), "JPY", US));
        assertEquals("€1,234.50", MoneyFormatter.fiat(new BigDecimal("1234.5"), "EUR", US));
    }

    @Test
    void satsAndBitcoinAreExactAtAnySize() {
        assertEquals("1 sat", MoneyFormatter.sats(1, US));
        assertEquals("0 sats", MoneyFormatter.sats(0, US));
        assertEquals("123,456 sats", MoneyFormatter.sats(123_456, US));
        assertEquals("0.00123456 BTC", MoneyFormatter.btc(123_456, US));
        assertEquals("21,000,000.00000000 BTC", MoneyFormatter.btc(2_100_000_000_000_000L, US));
        assertEquals("0,00123456 BTC", MoneyFormatter.btc(123_456, GERMANY));
    }

    @Test
    void conversionUsesBaseOverTenToTheOffsetExactly() {
        // 123,456 sats x 15.6789 JMD cents = 1,935,654.2784 cents
        assertEquals(0, new BigDecimal("19356.542784")
                .compareTo(MoneyFormatter.satsToDisplay(123_456, JMD.minorPerSat(), "JMD")));
        assertEquals("J$19,356.54", MoneyFormatter.fiat(
                MoneyFormatter.satsToDisplay(123_456, JMD.minorPerSat(), "JMD"), "JMD", JAMAICA));
        // 2,550 US cents x 1.57 = 4,003.5 JMD cents: exactly half a cent, rounds up
        assertEquals("J$40.04", MoneyFormatter.fiat(
                MoneyFormatter.usdCentsToDisplay(new BigDecimal("2550"), JMD.minorPerUsdCent(), "JMD"), "JMD", JAMAICA));
        // all the bitcoin there will ever be, no overflow, no binary float
        assertEquals("J$329,256,900,000,000.00", MoneyFormatter.fiat(
                MoneyFormatter.satsToDisplay(2_100_000_000_000_000L, JMD.minorPerSat(), "JMD"), "JMD", JAMAICA));
    }

    @Test
    void balanceViewConvertsEachWalletAndTotalsBeforeRounding() {
        var balance = new Balance("acc", "JMD", JMD, List.of(
                new Wallet("w1", "BTC", new BigDecimal("123456")),
                new Wallet("w2", "USD", new BigDecimal("2550"))), Instant.now());
        var view = ReplyFormatter.view(balance, JAMAICA, null, false);
        assertEquals("Bitcoin", view.wallets().get(0).label());
        assertEquals("0.00123456 BTC (123,456 sats)", view.wallets().get(0).amount());
        assertEquals("J$19,356.54", view.wallets().get(0).fiat());
        assertEquals("$25.50", view.wallets().get(1).amount());
        assertEquals("J$40.04", view.wallets().get(1).fiat());
        // 19,356.542784 + 40.035 = 19,396.577784
        assertEquals("J$19,396.58", view.total());
    }

    @Test
    void aUsdDisplayCurrencyDoesNotRepeatTheCashAmount() {
        var usd = new Price("USD", 9, 2, 1, 0, Instant.now());
        var balance = new Balance("acc", "USD", usd, List.of(
                new Wallet("w2", "USDT", new BigDecimal("0")), new Wallet("w1", "BTC", BigDecimal.ZERO)),
                Instant.now());
        var view = ReplyFormatter.view(balance, US, null, false);
        assertEquals("Cash (USDT)", view.wallets().get(0).label());
        assertEquals("$0.00", view.wallets().get(0).amount());
        assertNull(view.wallets().get(0).fiat());
        assertEquals("$0.00", view.wallets().get(1).fiat());
        assertEquals("$0.00", view.total());
    }
}
