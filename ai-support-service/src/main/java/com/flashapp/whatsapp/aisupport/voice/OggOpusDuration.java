package com.flashapp.whatsapp.aisupport.voice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The length of an Ogg/Opus voice note, read from the file itself (WhatsApp's webhook does not say it): Opus always
 * counts 48 kHz samples, so the length is the last page's granule position less the {@code OpusHead} pre-skip
 * (RFC 7845 §4). Walks the page headers only; nothing is decoded.
 */
public final class OggOpusDuration {

    private static final int OPUS_RATE = 48_000;
    private static final int PAGE_HEADER = 27;

    private OggOpusDuration() {
    }

    /** The length, or empty if the bytes are not an Ogg stream that starts with an {@code OpusHead}. */
    public static Optional<Duration> of(byte[] file) {
        if (file == null || !isPage(file, 0)) {
            return Optional.empty();
        }
        int segments = file[26] & 0xFF;
        int head = PAGE_HEADER + segments;
        if (file.length < head + 19 || !"OpusHead".equals(new String(file, head, 8, StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        int preSkip = ByteBuffer.wrap(file, head + 10, 2).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF;
        int serial = ByteBuffer.wrap(file, 14, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        var pages = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN); // absolute reads below
        long granule = -1;
        int at = 0;
        while (at < file.length && isPage(file, at)) {
            int count = file[at + 26] & 0xFF;
            if (at + PAGE_HEADER + count > file.length) {
                break;
            }
            int body = 0;
            for (int i = 0; i < count; i++) {
                body += file[at + PAGE_HEADER + i] & 0xFF;
            }
            long pageGranule = pages.getLong(at + 6);
            if (pages.getInt(at + 14) == serial && pageGranule != -1) {
                granule = Math.max(granule, pageGranule);
            }
            at += PAGE_HEADER + count + body;
        }
        if (granule < 0) {
            return Optional.empty();
        }
        long samples = Math.max(0, granule - preSkip);
        return Optional.of(Duration.ofMillis(samples * 1000 / OPUS_RATE));
    }

    private static boolean isPage(byte[] file, int at) {
        return file.length - at >= PAGE_HEADER && file[at] == 'O' && file[at + 1] == 'g' && file[at + 2] == 'g'
                && file[at + 3] == 'S' && file[at + 4] == 0;
    }
}
