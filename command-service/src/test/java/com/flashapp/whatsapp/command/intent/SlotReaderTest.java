package com.flashapp.whatsapp.command.intent;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Amounts in the forms people write, recipients of every kind, word order either way, counts and currencies. */
class SlotReaderTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "send $5 to @maria|5 USD|USERNAME:maria|-|-",
            "send 5 dollars to @maria|5 USD|USERNAME:maria|-|-",
            "give @bob 5 bucks|5 USD|USERNAME:bob|-|-",
            "send five dollars to @maria|5 USD|USERNAME:maria|-|-",
            "send twenty five dollars to @maria|25 USD|USERNAME:maria|-|-",
            "pay @kim 5 usd|5 USD|USERNAME:kim|-|-",
            "send J$1000 to @kev|1000 JMD|USERNAME:kev|-|-",
            "send 5000 jamaican dollars to @kev|5000 JMD|USERNAME:kev|JMD|-",
            "tip @sam 500 sats|500 SATS|USERNAME:sam|-|-",
            "pay @joe 1.50|1.50 USD|USERNAME:joe|-|-",
            "mi waan sen 5 dolla to @bob|5 USD|USERNAME:bob|-|-",
            "3 to @kim|3 USD|USERNAME:kim|-|-",
            "pay @kim 3|3 USD|USERNAME:kim|-|-",
            "send 1000 sats to +18765551234|1000 SATS|PHONE:+18765551234|-|-",
            "send 7 to 876-555-1234|7 USD|PHONE:+18765551234|-|-",
            "pay 2500 sats to bob@flashapp.me|2500 SATS|LIGHTNING_ADDRESS:bob@flashapp.me|-|-",
            "send 5 to bob|5 USD|USERNAME:bob|-|-",
            "i want to request money|-|-|-|-",
            "my last 5 transactions|-|-|-|5",
            "what's the price of bitcoin in jmd|-|-|JMD|-",
            "how much is 1 bitcoin in usd|1 BTC|-|USD|-"})
    void readsTheSlots(String text, String amount, String recipient, String currency, Integer count) {
        var slots = IntentFixture.SLOTS.read(Words.of(text));
        assertEquals(amount, slots.amount() == null ? null
                : slots.amount().value().toPlainString() + " " + slots.amount().unit(), "amount");
        assertEquals(recipient, slots.recipient() == null ? null
                : slots.recipient().kind() + ":" + slots.recipient().value(), "recipient");
        assertEquals(currency, slots.currency(), "currency");
        assertEquals(count, slots.count(), "count");
    }
}
