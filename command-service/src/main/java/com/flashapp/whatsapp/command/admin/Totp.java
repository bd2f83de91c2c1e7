package com.flashapp.whatsapp.command.admin;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;

/** Time-based one-time codes (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), as authenticator apps make them. */
public final class Totp {

    /** The length of one time step: a code is the code of the step it was made in. */
    public static final Duration STEP = Duration.ofSeconds(30);

    private static final long STEP_SECONDS = STEP.toSeconds();
    private static final int DIGITS = 6;
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private Totp() {
    }

    /** The code for a base32 secret at a moment. */
    public static String code(String base32Secret, Instant at) {
        return codeForStep(decode(base32Secret), at.getEpochSecond() / STEP_SECONDS);
    }

    /** Whether a code is right now, or within {@code window} steps either side; compared in constant time. */
    public static boolean verify(String base32Secret, String code, Instant now, int window) {
        return matchingStep(base32Secret, code, now, window).isPresent();
    }

    /**
     * The time step whose code this is, if it is within {@code window} steps either side of now. Every step of the
     * window is compared, in constant time, so the answer's timing does not tell which step (or digit) matched; the
     * step lets the caller refuse a code whose step was already used (RFC 6238 section 5.2).
     */
    public static OptionalLong matchingStep(String base32Secret, String code, Instant now, int window) {
        if (code == null || !code.matches("\\d{" + DIGITS + "}")) {
            return OptionalLong.empty();
        }
        var key = decode(base32Secret);
        var step = now.getEpochSecond() / STEP_SECONDS;
        var matched = OptionalLong.empty();
        for (long i = -window; i <= window; i++) {
            if (MessageDigest.isEqual(codeForStep(key, step + i).getBytes(), code.getBytes()) && matched.isEmpty()) {
                matched = OptionalLong.of(step + i);
            }
        }
        return matched;
    }

    private static String codeForStep(byte[] key, long step) {
        try {
            var mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            var hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
            var offset = hash[hash.length - 1] & 0x0f;
            var binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format(Locale.ROOT, "%0" + DIGITS + "d", binary % (int) Math.pow(10, DIGITS));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    static byte[] decode(String base32) {
        var clean = base32.replace("=", "").replace(" ", "").toUpperCase(Locale.ROOT);
        var out = new java.io.ByteArrayOutputStream();
        int buffer = 0;
        int bits = 0;
        for (char c : clean.toCharArray()) {
            var value = BASE32.indexOf(c);
            if (value < 0) {
                throw new IllegalArgumentException("not base32");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >> (bits - 8)) & 0xff);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
