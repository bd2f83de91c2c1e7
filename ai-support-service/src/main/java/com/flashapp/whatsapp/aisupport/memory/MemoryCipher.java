package com.flashapp.whatsapp.aisupport.memory;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * AES-GCM for conversation memory at rest. A value is {@code <keyId>:<base64(iv || ciphertext+tag)>}, with the
 * user ref as associated data so a value cannot be moved to another user's key. A value under another key id
 * (after a rotation) reads as empty: memory lives minutes, so forgetting it is the simple, safe answer.
 */
@ApplicationScoped
public class MemoryCipher {

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    public MemoryCipher(SupportConfig config) {
        var raw = Base64.getDecoder().decode(config.memory().key());
        if (raw.length != 16 && raw.length != 24 && raw.length != 32) {
            throw new IllegalStateException("app.support.memory.key must be a base64 AES key of 16, 24 or 32 bytes");
        }
        this.key = new SecretKeySpec(raw, "AES");
        this.keyId = config.memory().keyId();
    }

    public String encrypt(String plaintext, String userRef) {
        try {
            var iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(userRef.getBytes(StandardCharsets.UTF_8));
            var sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            var out = ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array();
            return keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt memory", e);
        }
    }

    /** The plaintext, or empty when the value is under an unknown key or was tampered with. */
    public Optional<String> decrypt(String value, String userRef) {
        var colon = value.indexOf(':');
        if (colon < 0 || !value.substring(0, colon).equals(keyId)) {
            return Optional.empty();
        }
        try {
            var bytes = Base64.getDecoder().decode(value.substring(colon + 1));
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            cipher.updateAAD(userRef.getBytes(StandardCharsets.UTF_8));
            var plain = cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES);
            return Optional.of(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
