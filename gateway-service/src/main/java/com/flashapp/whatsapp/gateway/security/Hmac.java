package com.flashapp.whatsapp.gateway.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/** A reusable HMAC: one {@link Mac} per thread, because a Mac is not thread-safe and creating one is costly. */
public final class Hmac {

    private final ThreadLocal<Mac> mac;

    public Hmac(String algorithm, byte[] key) {
        var spec = new SecretKeySpec(key, algorithm);
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                var m = Mac.getInstance(algorithm);
                m.init(spec);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(algorithm + " unavailable", e);
            }
        });
    }

    public static Hmac sha256(String key) {
        return new Hmac("HmacSHA256", key.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] sign(byte[] data) {
        return mac.get().doFinal(data);
    }

    public byte[] sign(String data) {
        return sign(data.getBytes(StandardCharsets.UTF_8));
    }

    public String hex(String data) {
        return HexFormat.of().formatHex(sign(data));
    }

    /** Constant-time comparison of two strings' UTF-8 bytes. */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
