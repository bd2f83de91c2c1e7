package com.flashapp.whatsapp.balance.crypto;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenVaultTest {

    static final String K1 = Base64.getEncoder().encodeToString("k1-k1-k1-k1-k1-k1-k1-k1-k1-k1-!!".getBytes());
    static final String K2 = Base64.getEncoder().encodeToString("k2-k2-k2-k2-k2-k2-k2-k2-k2-k2-!!".getBytes());

    @Test
    void ciphertextNamesItsKeyAndRoundTrips() {
        var vault = new TokenVault(Map.of("k1", K1), "k1");
        var sealed = vault.encrypt("flash-token-123", "u_abc");
        assertTrue(sealed.startsWith("k1:"));
        assertFalse(sealed.contains("flash-token-123"));
        assertEquals("flash-token-123", vault.decrypt(sealed, "u_abc"));
        assertNotEquals(sealed, vault.encrypt("flash-token-123", "u_abc"), "a fresh IV every time");
    }

    @Test
    void rotationKeepsOldCiphertextsReadableAndMovesThemToTheNewKey() {
        var before = new TokenVault(Map.of("k1", K1), "k1");
        var old = before.encrypt("flash-token-123", "u_abc");

        var after = new TokenVault(Map.of("k1", K1, "k2", K2), "k2");
        assertEquals("flash-token-123", after.decrypt(old, "u_abc"));
        assertTrue(after.isStale(old));
        var moved = after.reEncrypt(old, "u_abc");
        assertTrue(moved.startsWith("k2:"));
        assertFalse(after.isStale(moved));

        var withoutOldKey = new TokenVault(Map.of("k2", K2), "k2");
        assertEquals("flash-token-123", withoutOldKey.decrypt(moved, "u_abc"));
        assertThrows(IllegalStateException.class, () -> withoutOldKey.decrypt(old, "u_abc"));
    }

    @Test
    void aCiphertextDoesNotDecryptForAnotherRowOrWhenTampered() {
        var vault = new TokenVault(Map.of("k1", K1), "k1");
        var sealed = vault.encrypt("flash-token-123", "u_abc");
        assertThrows(IllegalStateException.class, () -> vault.decrypt(sealed, "u_other"));
        var raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length / 2] ^= 0x01;
        var tampered = "k1:" + Base64.getEncoder().encodeToString(raw);
        assertThrows(IllegalStateException.class, () -> vault.decrypt(tampered, "u_abc"));
    }

    @Test
    void refusesKeysThatAreNot256Bits() {
        var shortKey = Base64.getEncoder().encodeToString("short".getBytes());
        assertThrows(IllegalArgumentException.class, () -> new TokenVault(Map.of("k", shortKey), "k"));
        assertThrows(IllegalArgumentException.class, () -> new TokenVault(Map.of("k1", K1), "k9"));
    }
}
