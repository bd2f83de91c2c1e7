package com.flashapp.whatsapp.aisupport.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What must never reach memory or the provider. */
class RedactorTest {

    private final Redactor redactor = new Redactor();

    @Test
    void removesCodesInvoicesPhoneNumbersAndTokens() {
        assertEquals("my code is [code]", redactor.redact("my code is 482913"));
        assertEquals("pay [invoice] now", redactor.redact(
                "pay lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqypq now"));
        assertEquals("call me on [phone]", redactor.redact("call me on +1 876 555 0199"));
        assertEquals("call me on [phone]", redactor.redact("call me on 876-555-0199"));
        assertEquals("my key [secret]", redactor.redact("my key fk_1a2b3c4d_abcdefghijklmnopqrstuvwxyz0123456789"));
    }

    @Test
    void removesEmailAddressesCardNumbersAndRecoveryPhrases() {
        assertEquals("write to [email] please", redactor.redact("write to jane.doe+flash@example.com please"));
        assertEquals("my card [card] expires soon", redactor.redact("my card 4111 1111 1111 1111 expires soon"));
        assertEquals("card [card]", redactor.redact("card 5500-0000-0000-0004"));
        assertEquals("my words: [recovery phrase] ok?", redactor.redact("my words: abandon ability able about above "
                + "absent absorb abstract absurd abuse access accident ok?"));
        assertEquals("[recovery phrase]", redactor.redact("1. legal 2. winner 3. thank 4. year 5. wave 6. sausage "
                + "7. worth 8. useful 9. legal 10. winner 11. thank 12. yellow"));
    }

    @Test
    void reportsWhatMustNeverBeSharedAndNothingElse() {
        assertEquals(java.util.Optional.of(Redactor.Secret.CARD_NUMBER),
                redactor.secretShared("is 4111111111111111 safe to send"));
        assertEquals(java.util.Optional.of(Redactor.Secret.RECOVERY_PHRASE), redactor.secretShared(
                "Zoo Cabbage Giant Orbit Velvet Ribbon Jungle Pepper Shadow Cactus Dolphin Marble"));
        // "when" is a BIP-39 word too: one such word does not hide a phrase
        assertEquals(java.util.Optional.of(Redactor.Secret.RECOVERY_PHRASE), redactor.secretShared(
                "legal winner thank year wave sausage worth useful legal winner thank when"));
        // 16 digits that fail the card check, an ordinary long sentence, a phone number, an amount: not secrets
        assertEquals(java.util.Optional.empty(), redactor.secretShared("order 1234 5678 9012 3456 arrived"));
        assertEquals(java.util.Optional.empty(), redactor.secretShared("hello there friend could someone explain "
                + "clearly please exactly which button sends money from wallet"));
        assertEquals(java.util.Optional.empty(), redactor.secretShared("call +1 876 555 0199 about 5000 sats"));
    }

    @Test
    void keepsAmountsAndOrdinaryText() {
        assertEquals("send 5000 sats to @jane", redactor.redact("send 5000 sats to @jane"));
        assertEquals("it cost $1500 and 2500 JMD", redactor.redact("it cost $1500 and 2500 JMD"));
        assertEquals("how fi send money?", redactor.redact("how fi send money?"));
        assertEquals("send 20 to my cousin", redactor.redact("send 20 to my cousin"));
    }
}
