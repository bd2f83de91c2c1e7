package com.flashapp.whatsapp.sandbox.flash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/** Builds BOLT11-looking payment requests (bech32 charset and checksum) and reads their amount back. */
final class Bolt11 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final Pattern AMOUNT = Pattern.compile("^lnbc(\\d+)([munp]?)1[" + CHARSET + "]+$");
    private static final int DATA_LENGTH = 180;

    private Bolt11() {
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A payment request for {@code sats} (null: no amount), its data derived from {@code seed}. */
    static String encode(Long sats, String seed) {
        var hrp = sats == null ? "lnbc" : "lnbc" + (sats * 10) + "n";
        var data = new int[DATA_LENGTH];
        var block = sha256(seed);
        for (int i = 0; i < DATA_LENGTH; i++) {
            if (i % 32 == 0 && i > 0) {
                block = sha256(hex(block));
            }
            data[i] = block[i % 32] & 31;
        }
        var checksum = checksum(hrp, data);
        var sb = new StringBuilder(hrp).append('1');
        for (int d : data) {
            sb.append(CHARSET.charAt(d));
        }
        for (int c : checksum) {
            sb.append(CHARSET.charAt(c));
        }
        return sb.toString();
    }

    static boolean looksValid(String paymentRequest) {
        return paymentRequest != null && AMOUNT.matcher(paymentRequest.toLowerCase()).matches()
                || paymentRequest != null && paymentRequest.toLowerCase().matches("^lnbc1[" + CHARSET + "]{50,}$");
    }

    /** The amount in sats encoded in the human-readable part, if any. */
    static OptionalLong amountSats(String paymentRequest) {
        var m = AMOUNT.matcher(paymentRequest.toLowerCase());
        if (!m.matches()) {
            return OptionalLong.empty();
        }
        long value = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> OptionalLong.of(value * 100_000);
            case "u" -> OptionalLong.of(value * 100);
            case "n" -> OptionalLong.of(value / 10);
            case "p" -> OptionalLong.of(value / 10_000);
            default -> OptionalLong.of(value * 100_000_000);
        };
    }

    private static int polymod(int[] values) {
        int[] gen = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
        int chk = 1;
        for (int v : values) {
            int top = chk >>> 25;
            chk = (chk & 0x1ffffff) << 5 ^ v;
            for (int i = 0; i < 5; i++) {
                if (((top >>> i) & 1) == 1) {
                    chk ^= gen[i];
                }
            }
        }
        return chk;
    }

    private static int[] checksum(String hrp, int[] data) {
        int n = hrp.length();
        int[] values = new int[n * 2 + 1 + data.length + 6];
        for (int i = 0; i < n; i++) {
            values[i] = hrp.charAt(i) >> 5;
            values[n + 1 + i] = hrp.charAt(i) & 31;
        }
        System.arraycopy(data, 0, values, n * 2 + 1, data.length);
        int mod = polymod(values) ^ 1;
        int[] result = new int[6];
        for (int i = 0; i < 6; i++) {
            result[i] = (mod >>> 5 * (5 - i)) & 31;
        }
        return result;
    }
}
