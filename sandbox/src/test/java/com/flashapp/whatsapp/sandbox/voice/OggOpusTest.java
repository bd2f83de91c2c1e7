package com.flashapp.whatsapp.sandbox.voice;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OggOpusTest {

    @Test
    void oggCrcIsTheStandardOne() {
        // CRC-32/MPEG-2 without the final inversion and initial value 0 ("CRC-32/CKSUM" less its length step):
        // the Ogg check value of "123456789" is 0x89A1897F
        assertEquals(0x89A1897F, OggOpus.crc("123456789".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void aNoteReadsBackAsWhatItSays() {
        var note = OggOpus.encode("sen 5 dolla to @bob 🙏", 2.5);
        assertEquals(Optional.of("sen 5 dolla to @bob 🙏"), OggOpus.transcript(note));
        assertEquals(Optional.of(""), OggOpus.transcript(OggOpus.encode("", 1)));
    }

    @Test
    void aDamagedOrForeignFileHasNoTranscript() {
        var note = OggOpus.encode("hello", 1);
        note[40] ^= 0x01;
        assertTrue(OggOpus.transcript(note).isEmpty(), "a page CRC mismatch is refused");
        assertTrue(OggOpus.transcript("ID3 mp3 bytes".getBytes(StandardCharsets.US_ASCII)).isEmpty());
        assertTrue(OggOpus.transcript(new byte[0]).isEmpty());
    }
}
