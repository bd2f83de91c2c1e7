package com.flashapp.whatsapp.aisupport.voice;

import com.flashapp.whatsapp.aisupport.support.TestOgg;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OggOpusDurationTest {

    @Test
    void readsTheLengthFromTheLastGranuleLessThePreSkip() {
        assertEquals(Optional.of(Duration.ofSeconds(150)), OggOpusDuration.of(TestOgg.opus(150)));
        assertEquals(Optional.of(Duration.ofMillis(2500)), OggOpusDuration.of(TestOgg.opus(2.5)));
    }

    @Test
    void notOggOpusHasNoLength() {
        assertEquals(Optional.empty(), OggOpusDuration.of("ID3\u0004 an mp3".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Optional.empty(), OggOpusDuration.of(new byte[0]));
        var vorbis = TestOgg.opus(1);
        vorbis[28] = 'X'; // "OpusHead" → "OXusHead"
        assertEquals(Optional.empty(), OggOpusDuration.of(vorbis));
    }
}
