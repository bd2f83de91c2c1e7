package com.flashapp.whatsapp.aisupport.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Minimal Ogg/Opus files for tests: OpusHead, OpusTags, then pages of 20 ms frames up to the length asked. */
public final class TestOgg {

    private TestOgg() {
    }

    public static byte[] opus(double seconds) {
        var out = new ByteArrayOutputStream();
        var head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN).put("OpusHead".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1).put((byte) 1).putShort((short) 312).putInt(48_000).putShort((short) 0).put((byte) 0)
                .array();
        page(out, 2, 0, head);
        var tags = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).put("OpusTags".getBytes(StandardCharsets.US_ASCII))
                .putInt(0).putInt(0).array();
        page(out, 0, 0, tags);
        long frames = Math.round(seconds * 50);
        for (long done = 0; done < frames; ) {
            long n = Math.min(50, frames - done);
            done += n;
            var packets = new byte[(int) n * 3];
            for (int i = 0; i < n; i++) {
                packets[i * 3] = (byte) 0xF8;
                packets[i * 3 + 1] = (byte) 0xFF;
                packets[i * 3 + 2] = (byte) 0xFE;
            }
            pageOfFrames(out, done == frames ? 4 : 0, 312 + done * 960, packets, (int) n);
        }
        return out.toByteArray();
    }

    private static void page(ByteArrayOutputStream out, int flags, long granule, byte[] packet) {
        write(out, flags, granule, new byte[] {(byte) packet.length}, packet);
    }

    private static void pageOfFrames(ByteArrayOutputStream out, int flags, long granule, byte[] body, int frames) {
        var lacing = new byte[frames];
        java.util.Arrays.fill(lacing, (byte) 3);
        write(out, flags, granule, lacing, body);
    }

    private static void write(ByteArrayOutputStream out, int flags, long granule, byte[] lacing, byte[] body) {
        var page = ByteBuffer.allocate(27 + lacing.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        page.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags).putLong(granule)
                .putInt(7).putInt(0).putInt(0).put((byte) lacing.length).put(lacing).put(body);
        out.writeBytes(page.array());
    }
}
