package com.flashapp.whatsapp.command.intent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What learning from use may keep: no names, numbers, amounts or addresses; no long messages. */
class PhraseRedactorTest {

    @Test
    void keepsTheShapeWithoutWhoOrHowMuch() {
        assertEquals("yo sen # bucks to @user pronto",
                PhraseRedactor.redact("Yo sen 25 bucks to @Marcus pronto").orElseThrow());
        assertEquals("pay <address> $#", PhraseRedactor.redact("pay bob@flashapp.me $1.50").orElseThrow());
        assertEquals("call me <phone>", PhraseRedactor.redact("call me 876-555-1234").orElseThrow());
        assertEquals("mail <address>", PhraseRedactor.redact("mail jane.doe@example.com").orElseThrow());
    }

    @Test
    void keepsNothingOfALongMessage() {
        assertTrue(PhraseRedactor.redact("my cousin in montego bay said she sent me money last week but it never "
                + "reached").isEmpty());
    }
}
