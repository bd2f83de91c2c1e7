package com.flashapp.whatsapp.sandbox.voice;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Voice notes of the sandbox: valid Ogg/Opus files (RFC 3533 pages with CRC, RFC 7845 {@code OpusHead} and
 * {@code OpusTags}, 20 ms Opus silence frames) that carry what the simulated user "says" in a Vorbis comment
 * {@code SANDBOX_TRANSCRIPT=…}. The Maple stand-in reads that comment back: any other audio it cannot transcribe.
 * A real decoder plays such a file as silence of the given length.
 */
public final class OggOpus {

    public static final String CONTENT_TYPE = "audio/ogg";
    static final String TAG = "SANDBOX_TRANSCRIPT=";
    static final int SAMPLE_RATE = 48_000;
    static final int PRE_SKIP = 312;
    static final int FRAME_SAMPLES = 960; // 20 ms at 48 kHz
    /** TOC 0xF8 (CELT, fullband, 20 ms, mono, one frame) and a frame that decodes to silence. */
    private static final byte[] SILENT_FRAME = {(byte) 0xF8, (byte) 0xFF, (byte) 0xFE};
    private static final int FRAMES_PER_PAGE = 50;
    private static final int[] CRC_TABLE = crcTable();

    private OggOpus() {
    }

    /** An Ogg/Opus voice note of {@code seconds} (at least one frame) whose stand-in transcript is {@code text}. */
    public static byte[] encode(String text, double seconds) {
        int serial = text.hashCode() ^ 0x5EED;
        var out = new ByteArrayOutputStream();
        int sequence = 0;
        page(out, 0x02, 0, serial, sequence++, List.of(opusHead()));
        page(out, 0x00, 0, serial, sequence++, List.of(opusTags(text)));
        long frames = Math.max(1, Math.round(seconds * SAMPLE_RATE / FRAME_SAMPLES));
        long written = 0;
        while (written < frames) {
            int n = (int) Math.min(FRAMES_PER_PAGE, frames - written);
            var packets = new ArrayList<byte[]>(n);
            for (int i = 0; i < n; i++) {
                packets.add(SILENT_FRAME);
            }
            written += n;
            long granule = PRE_SKIP + written * FRAME_SAMPLES;
            page(out, written == frames ? 0x04 : 0x00, granule, serial, sequence++, packets);
        }
        return out.toByteArray();
    }

    /**
     * The stand-in transcript of a sandbox voice note; empty if the bytes are not a valid Ogg/Opus file (capture
     * pattern, page CRCs, {@code OpusHead}, {@code OpusTags}) or carry no transcript comment.
     */
    public static Optional<String> transcript(byte[] file) {
        try {
            var packets = firstPackets(file, 2);
            if (packets.size() < 2 || !startsWith(packets.get(0), "OpusHead") || !startsWith(packets.get(1), "OpusTags")) {
                return Optional.empty();
            }
            var tags = ByteBuffer.wrap(packets.get(1)).order(ByteOrder.LITTLE_ENDIAN);
            tags.position(8);
            int vendor = tags.getInt();
            tags.position(tags.position() + vendor);
            int count = tags.getInt();
            for (int i = 0; i < count; i++) {
                int length = tags.getInt();
                var bytes = new byte[length];
                tags.get(bytes);
                var comment = new String(bytes, StandardCharsets.UTF_8);
                if (comment.startsWith(TAG)) {
                    return Optional.of(comment.substring(TAG.length()));
                }
            }
            return Optional.empty();
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    /** The first {@code wanted} packets of the logical stream; throws on a bad page. */
    private static List<byte[]> firstPackets(byte[] file, int wanted) {
        var packets = new ArrayList<byte[]>();
        var current = new ByteArrayOutputStream();
        int at = 0;
        while (at < file.length && packets.size() < wanted) {
            if (file.length - at < 27 || file[at] != 'O' || file[at + 1] != 'g' || file[at + 2] != 'g'
                    || file[at + 3] != 'S' || file[at + 4] != 0) {
                throw new IllegalArgumentException("not an Ogg page");
            }
            int segments = file[at + 26] & 0xFF;
            int header = 27 + segments;
            int body = 0;
            for (int i = 0; i < segments; i++) {
                body += file[at + 27 + i] & 0xFF;
            }
            if (at + header + body > file.length) {
                throw new IllegalArgumentException("truncated page");
            }
            var page = java.util.Arrays.copyOfRange(file, at, at + header + body);
            int stored = ByteBuffer.wrap(page, 22, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            page[22] = page[23] = page[24] = page[25] = 0;
            if (crc(page) != stored) {
                throw new IllegalArgumentException("bad page CRC");
            }
            int offset = at + header;
            for (int i = 0; i < segments; i++) {
                int lace = file[at + 27 + i] & 0xFF;
                current.write(file, offset, lace);
                offset += lace;
                if (lace < 255) {
                    packets.add(current.toByteArray());
                    current.reset();
                }
            }
            at += header + body;
        }
        return packets;
    }

    private static byte[] opusHead() {
        var head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII));
        head.put((byte) 1);             // version
        head.put((byte) 1);             // channels: mono, as WhatsApp records
        head.putShort((short) PRE_SKIP);
        head.putInt(SAMPLE_RATE);       // input sample rate
        head.putShort((short) 0);       // output gain
        head.put((byte) 0);             // channel mapping family
        return head.array();
    }

    private static byte[] opusTags(String text) {
        var vendor = "flash-whatsapp sandbox".getBytes(StandardCharsets.UTF_8);
        var comment = (TAG + text).getBytes(StandardCharsets.UTF_8);
        var tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4 + 4 + comment.length).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII));
        tags.putInt(vendor.length).put(vendor);
        tags.putInt(1);
        tags.putInt(comment.length).put(comment);
        return tags.array();
    }

    /** Writes one page holding whole packets (each laced as 255-byte segments and a shorter last one). */
    private static void page(ByteArrayOutputStream out, int flags, long granule, int serial, int sequence,
                             List<byte[]> packets) {
        var lacing = new ByteArrayOutputStream();
        var body = new ByteArrayOutputStream();
        for (var packet : packets) {
            int remaining = packet.length;
            while (remaining >= 255) {
                lacing.write(255);
                remaining -= 255;
            }
            lacing.write(remaining);
            body.writeBytes(packet);
        }
        if (lacing.size() > 255) {
            throw new IllegalArgumentException("too much for one page (a transcript of at most ~60 KB)");
        }
        var page = ByteBuffer.allocate(27 + lacing.size() + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        page.put("OggS".getBytes(StandardCharsets.US_ASCII));
        page.put((byte) 0);
        page.put((byte) flags);
        page.putLong(granule);
        page.putInt(serial);
        page.putInt(sequence);
        page.putInt(0); // CRC, filled below
        page.put((byte) lacing.size());
        page.put(lacing.toByteArray());
        page.put(body.toByteArray());
        var bytes = page.array();
        ByteBuffer.wrap(bytes, 22, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc(bytes));
        out.writeBytes(bytes);
    }

    private static boolean startsWith(byte[] packet, String magic) {
        var m = magic.getBytes(StandardCharsets.US_ASCII);
        if (packet.length < m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (packet[i] != m[i]) {
                return false;
            }
        }
        return true;
    }

    /** Ogg's CRC-32: polynomial 0x04C11DB7, initial 0, not reflected, no final xor. */
    static int crc(byte[] bytes) {
        int crc = 0;
        for (byte b : bytes) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ (b & 0xFF)) & 0xFF];
        }
        return crc;
    }

    private static int[] crcTable() {
        var table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int j = 0; j < 8; j++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}
