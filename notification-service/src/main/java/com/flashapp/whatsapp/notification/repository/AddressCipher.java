package com.flashapp.whatsapp.notification.repository;

import com.flashapp.whatsapp.notification.config.NotificationConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * AES-GCM for the WhatsApp addresses of linked accounts at rest ({@code account_link.whatsapp}). A value is
 * {@code <keyId>:<base64(iv || ciphertext+tag)>} with the userRef as associated data, so a value cannot be moved to
 * another user. Older key ids stay readable while listed in {@code app.address-key.keys}; a value stored before
 * encryption ({@code whatsapp:+…}) is read as it is until {@code AddressEncryptionJob} has encrypted it.
 */
@ApplicationScoped
public class AddressCipher {

    static final String CLEAR_PREFIX = "whatsapp:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keys = new HashMap<>();
    private final String activeId;
    private final SecureRandom random = new SecureRandom();

    public AddressCipher(NotificationConfig config) {
        config.addressKey().keys().forEach((id, base64) -> {
            var raw = Base64.getDecoder().decode(base64);
            if (raw.length != 16 && raw.length != 24 && raw.length != 32) {
                throw new IllegalStateException("app.address-key.keys." + id
                        + " must be a base64 AES key of 16, 24 or 32 bytes");
            }
            keys.put(id, new SecretKeySpec(raw, "AES"));
        });
        this.activeId = config.addressKey().activeId();
        if (!keys.containsKey(activeId)) {
            throw new IllegalStateException("app.address-key.active-id " + activeId + " has no key in "
                    + "app.address-key.keys");
        }
    }

    public String encrypt(String address, String userRef) {
        try {
            var iv = new byte[IV_BYTES];
            random.nextBytes(iv);
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(userRef.getBytes(StandardCharsets.UTF_8));
            var sealed = cipher.doFinal(address.getBytes(StandardCharsets.UTF_8));
            return activeId + ":" + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(iv.length + sealed.length).put(iv).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt an address", e);
        }
    }

    /** The address; empty when the value is under an unknown key or was tampered with. */
    public Optional<String> decrypt(String value, String userRef) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.startsWith(CLEAR_PREFIX)) {
            return Optional.of(value);
        }
        var colon = value.indexOf(':');
        var key = colon < 0 ? null : keys.get(value.substring(0, colon));
        if (key == null) {
            return Optional.empty();
        }
        try {
            var bytes = Base64.getDecoder().decode(value.substring(colon + 1));
            var cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            cipher.updateAAD(userRef.getBytes(StandardCharsets.UTF_8));
            return Optional.of(new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES),
                    StandardCharsets.UTF_8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The key id new values use (a value under another id, or in clear, is re-encrypted by the job). */
    public String activeId() {
        return activeId;
    }
}
