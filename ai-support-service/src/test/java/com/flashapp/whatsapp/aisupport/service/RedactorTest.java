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
    void keepsAmountsAndOrdinaryText() {
        assertEquals("send 5000 sats to @jane", redactor.redact("send 5000 sats to @jane"));
        assertEquals("it cost $1500 and 2500 JMD", redactor.redact("it cost $1500 and 2500 JMD"));
        assertEquals("how fi send money?", redactor.redact("how fi send money?"));
        assertEquals("send 20 to my cousin", redactor.redact("send 20 to my cousin"));
    }
}
