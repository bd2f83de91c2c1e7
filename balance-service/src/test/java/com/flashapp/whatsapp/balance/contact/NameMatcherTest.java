package com.flashapp.whatsapp.balance.contact;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class NameMatcherTest {

    private static final List<String> BOOK = List.of("Mom", "Aunt May", "John Brown", "Jonathan", "Rob",
            "Zoë Campbell");

    private static String match(String typed) {
        return NameMatcher.match(typed, BOOK, Function.identity());
    }

    @Test
    void findsTheSameNameIgnoringCaseAccentsAndSpacing() {
        assertEquals("Mom", match("MOM"));
        assertEquals("Aunt May", match("aunt   may"));
        assertEquals("Zoë Campbell", match("zoe campbell"));
    }

    @Test
    void findsTheOnlyContactWhoseFirstWordIsTheTypedWord() {
        assertEquals("Aunt May", match("aunt"));
        assertEquals("John Brown", match("john"));
    }

    @Test
    void forgivesATypoInLongerNamesOnly() {
        assertEquals("John Brown", match("jhon brown"), "a transposition is one edit");
        assertEquals("Jonathan", match("jonathon"));
        assertNull(match("bob"), "three letters one edit from Rob is another name, not a typo");
        assertNull(match("mum"), "short names must match exactly");
    }

    @Test
    void aTieOrNothingCloseMatchesNobody() {
        assertNull(NameMatcher.match("jon", List.of("Jon Smith", "Jon Brown"), Function.identity()),
                "two contacts start with that word: no guess");
        assertNull(match("grandma"));
        assertNull(match(""));
        assertNull(match("  "));
    }
}
