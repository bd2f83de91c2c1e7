package com.flashapp.whatsapp.gateway.mapping;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * An {@code application/x-www-form-urlencoded} body, parsed by hand so that what frameworks hide is seen:
 * a repeated parameter, a bad percent escape, bytes that are not UTF-8. {@link #params()} always holds the
 * best-effort values (first of repeated names, invalid bytes replaced) so the signature can be checked before
 * the {@link #defect()} is answered.
 *
 * @param params the parameters (first value of a repeated name)
 * @param defect null for a well-formed body, else {@code duplicate-parameter}, {@code invalid-encoding}
 */
public record FormBody(Map<String, String> params, String defect) {

    public static final String DUPLICATE = "duplicate-parameter";
    public static final String INVALID_ENCODING = "invalid-encoding";

    public static final FormBody EMPTY = new FormBody(Map.of(), null);

    /** Parses the raw body. Never throws. */
    public static FormBody parse(byte[] body) {
        if (body == null || body.length == 0) {
            return EMPTY;
        }
        var params = new HashMap<String, String>();
        String defect = null;
        int start = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (end < 0) {
                end = body.length;
            }
            if (end > start) {
                int eq = indexOf(body, (byte) '=', start);
                if (eq < 0 || eq > end) {
                    eq = end;
                }
                var name = decode(body, start, eq);
                var value = eq < end ? decode(body, eq + 1, end) : new Decoded("", true);
                if (!name.valid() || !value.valid()) {
                    defect = defect == null ? INVALID_ENCODING : defect;
                }
                if (params.putIfAbsent(name.text(), value.text()) != null) {
                    defect = defect == null ? DUPLICATE : defect;
                }
            }
            start = end + 1;
        }
        return new FormBody(Collections.unmodifiableMap(params), defect);
    }

    private record Decoded(String text, boolean valid) {
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Percent-decodes and strictly UTF-8-decodes a slice; on failure returns a lenient text and valid=false. */
    private static Decoded decode(byte[] body, int from, int to) {
        var out = new ByteArrayOutputStream(to - from);
        var valid = true;
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                int hi = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
                int lo = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    valid = false;
                    out.write(b);
                } else {
                    out.write(hi << 4 | lo);
                    i += 2;
                }
            } else {
                out.write(b);
            }
        }
        var bytes = out.toByteArray();
        try {
            var text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return new Decoded(text, valid);
        } catch (CharacterCodingException e) {
            return new Decoded(new String(bytes, StandardCharsets.UTF_8), false);
        }
    }
}
