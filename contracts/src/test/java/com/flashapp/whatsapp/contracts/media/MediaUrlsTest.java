package com.flashapp.whatsapp.contracts.media;

import org.junit.jupiter.api.Test;

import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The media URL's format, pinned: the gateway checks what balance- and ai-support-service build. */
class MediaUrlsTest {

    @Test
    void theUrlCarriesTheExpiryAndTheHmacOfIdAndExpiry() {
        // HMAC-SHA256("media-key", "AbCdEfGhIjKlMnOpQrStUv.1767225600"), base64url without padding (computed apart)
        assertEquals("https://wa.example/media/AbCdEfGhIjKlMnOpQrStUv?exp=1767225600&sig=dLyNbwoiJ3dpZDQPuH120xtC2l8prUEVBS73SCN5E_0",
                MediaUrls.url("https://wa.example/", "media-key", "AbCdEfGhIjKlMnOpQrStUv", 1767225600L));
    }

    @Test
    void idsAreLongRandomAndUrlSafe() {
        var ids = new HashSet<String>();
        for (int i = 0; i < 1000; i++) {
            var id = MediaUrls.newId();
            assertTrue(id.matches("[A-Za-z0-9_-]{22}"), id);
            ids.add(id);
        }
        assertEquals(1000, ids.size());
    }
}
