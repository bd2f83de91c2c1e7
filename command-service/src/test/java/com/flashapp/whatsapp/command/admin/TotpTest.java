package com.flashapp.whatsapp.command.admin;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admin codes are the ones authenticator apps show (RFC 6238 test vectors, SHA-1, truncated to 6 digits). */
class TotpTest {

    /** "12345678901234567890" in base32, the RFC's SHA-1 key. */
    private static final String RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @Test
    void matchesTheRfcTestVectors() {
        assertEquals("287082", Totp.code(RFC_SECRET, Instant.ofEpochSecond(59)));
        assertEquals("081804", Totp.code(RFC_SECRET, Instant.ofEpochSecond(1111111109)));
        assertEquals("005924", Totp.code(RFC_SECRET, Instant.ofEpochSecond(1234567890)));
    }

    @Test
    void acceptsTheNeighbouringStepOnlyWithinTheWindow() {
        var now = Instant.ofEpochSecond(1111111109);
        var previous = Totp.code(RFC_SECRET, now.minusSeconds(30));
        assertTrue(Totp.verify(RFC_SECRET, previous, now, 1));
        assertFalse(Totp.verify(RFC_SECRET, previous, now, 0));
        assertFalse(Totp.verify(RFC_SECRET, Totp.code(RFC_SECRET, now.minusSeconds(120)), now, 1));
        assertFalse(Totp.verify(RFC_SECRET, "12345", now, 1));
        assertFalse(Totp.verify(RFC_SECRET, null, now, 1));
    }

    @Test
    void tellsWhichTimeStepACodeBelongsTo() {
        var now = Instant.ofEpochSecond(1111111109);
        var step = now.getEpochSecond() / Totp.STEP.toSeconds();
        assertEquals(OptionalLong.of(step), Totp.matchingStep(RFC_SECRET, "081804", now, 1));
        assertEquals(OptionalLong.of(step - 1),
                Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, now.minusSeconds(30)), now, 1));
        assertEquals(OptionalLong.of(step + 1),
                Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, now.plusSeconds(30)), now, 1));
        assertEquals(OptionalLong.empty(),
                Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, now.plusSeconds(60)), now, 1));
        assertEquals(OptionalLong.empty(), Totp.matchingStep(RFC_SECRET, "abcdef", now, 1));
    }

    @Test
    void masksNumbersAndUsernamesInAdminAnswers() {
        assertEquals("+1876***1234", AdminService.mask("+18765551234"));
        assertEquals("ma***", AdminService.mask("maria"));
        // a username with ten or more digits is still a username
        assertEquals("te***", AdminService.mask("tester_482619817644"));
    }

    @Test
    void onlyAPhoneNumberIsLookedUpAsOne() {
        assertTrue(AdminService.writtenAsPhone("+1 876 555 1234"));
        assertTrue(AdminService.writtenAsPhone("876-555-1234"));
        assertTrue(AdminService.writtenAsPhone("(876) 555-1234"));
        assertTrue(AdminService.writtenAsPhone("whatsapp:+18765551234"));
        assertFalse(AdminService.writtenAsPhone("@tester_482619817644"));
        assertFalse(AdminService.writtenAsPhone("tester_482619817644"));
        assertFalse(AdminService.writtenAsPhone("@maria"));
    }
}
