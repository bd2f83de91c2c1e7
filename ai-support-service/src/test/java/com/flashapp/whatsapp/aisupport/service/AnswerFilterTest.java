package com.flashapp.whatsapp.aisupport.service;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Links and numbers in an AI answer survive only if the help notes have them (the seed FAQ, loaded at start). */
@QuarkusTest
class AnswerFilterTest {

    @Inject
    AnswerFilter filter;


    @Test
    void removesLinksAndNumbersTheHelpNotesDoNotHave() {
        var out = filter.filter("Call our agent on +1 876 555 4242 or visit https://flash-refunds.example/claim now.");
        assertEquals("Call our agent on " + AnswerFilter.NUMBER_REMOVED + " or visit "
                + AnswerFilter.LINK_REMOVED + " now.", out);
    }

    @Test
    void keepsLinksToFlashsOwnHosts() {
        var text = "See https://flashapp.me/faq or https://www.flashapp.me/download for the app.";
        assertEquals(text, filter.filter(text));
        // a look-alike is not Flash's
        assertTrue(filter.filter("Go to https://flashapp.me.example.com/login").contains(AnswerFilter.LINK_REMOVED));
        assertFalse(filter.filter("email support@flashapp.me").contains("removed"), "no link, no number: untouched");
    }
}
