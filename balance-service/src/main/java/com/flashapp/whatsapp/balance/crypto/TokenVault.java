package com.flashapp.whatsapp.balance.crypto;

import com.flashapp.whatsapp.balance.config.BalanceConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * AES-256-GCM for everything balance-service keeps about a user's Flash account (tokens, cached balances,
 * pending requests). A ciphertext is {@code <keyId>:<base64(iv || ciphertext+tag)>}, so keys rotate: old
 * ciphertexts decrypt with their key, new ones use the active key, and {@link ReEncryptJob} moves old rows.
 * The associated data (e.g. the userRef) binds a ciphertext to its row: copied elsewhere it does not decrypt.
 */
// created at startup so a missing or malformed key stops the service at once, not at the first link
@Startup
@ApplicationScoped
public class TokenVault {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keys;
    private final String activeKeyId;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public TokenVault(BalanceConfig config) {
        this(config.crypto().keys(), config.crypto().activeKeyId());
    }

    /** For tests and tools: a vault over explicit base64 keys. */
    public TokenVault(Map<String, String> base64Keys, String activeKeyId) {
        var parsed = new HashMap<String, SecretKeySpec>();
        base64Keys.forEach((id, b64) -> {
            if (id.contains(":")) {
                throw new IllegalArgumentException("key id must not contain ':'");
            }
            var raw = Base64.getDecoder().decode(b64.trim());
            if (raw.length != 32) {
                throw new IllegalArgumentException("key " + id + " is not 256 bits");
            }
            parsed.put(id, new SecretKeySpec(raw, "AES"));
        });
        if (!parsed.containsKey(activeKeyId)) {
            throw new IllegalArgumentException("active key id " + activeKeyId + " has no key");
        }
        this.keys = Map.copyOf(parsed);
        this.activeKeyId = activeKeyId;
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    /** Encrypts with the active key. */
    public String encrypt(String plaintext, String associatedData) {
        return encrypt(plaintext, associatedData, activeKeyId);
    }

    /** Encrypts with a named key (rotation tests, migrations). */
    public String encrypt(String plaintext, String associatedData, String keyId) {
        var key = keys.get(keyId);
        if (key == null) {
            throw new IllegalArgumentException("unknown key id " + keyId);
        }
        try {
            var iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            var sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            var out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    /** Decrypts with the key named in the ciphertext; fails for a tampered text or another row's data. */
    public String decrypt(String ciphertext, String associatedData) {
        var colon = ciphertext.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("ciphertext without key id");
        }
        var key = keys.get(ciphertext.substring(0, colon));
        if (key == null) {
            throw new IllegalStateException("no key for id " + ciphertext.substring(0, colon));
        }
        try {
            var raw = Base64.getDecoder().decode(ciphertext.substring(colon + 1));
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, IV_BYTES));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(raw, IV_BYTES, raw.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("decryption failed", e);
        }
    }

    /** Whether a ciphertext was made with an older key and should be re-encrypted. */
    public boolean isStale(String ciphertext) {
        return !ciphertext.startsWith(activeKeyId + ":");
    }

    /** Decrypts with whatever key and encrypts again with the active one. */
    public String reEncrypt(String ciphertext, String associatedData) {
        return encrypt(decrypt(ciphertext, associatedData), associatedData);
    }
}
