package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.repository.MediaStore;
import com.flashapp.whatsapp.gateway.security.MediaUrlSigner;
import com.flashapp.whatsapp.gateway.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Stored images are served only through a valid, unexpired signed URL. */
@QuarkusTest
class MediaResourceTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    @TestHTTPResource("/")
    URI base;

    @Inject
    MediaStore store;

    @Inject
    MediaUrlSigner signer;

    private static String local(String publicUrl) {
        return publicUrl.substring(Webhooks.PUBLIC_BASE.length());
    }

    @Test
    void servesAStoredPngThroughItsSignedPublicUrl() {
        var stored = store.storePng(PNG, Duration.ofMinutes(5)).await().atMost(Duration.ofSeconds(5));
        assertTrue(stored.url().startsWith(Webhooks.PUBLIC_BASE + "/media/" + stored.id() + "?exp="));

        var response = Webhooks.get(base, local(stored.url()));
        assertEquals(200, response.statusCode());
        assertEquals("image/png", response.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(PNG, response.body());
    }

    @Test
    void refusesTamperedExpiredOrUnknownLinks() {
        var stored = store.storePng(PNG, Duration.ofMinutes(5)).await().atMost(Duration.ofSeconds(5));
        var later = stored.expiresAtEpochSecond() + 3600;
        // a longer expiry with the old signature
        assertEquals(403, Webhooks.get(base, "/media/" + stored.id() + "?exp=" + later + "&sig="
                + signer.signature(stored.id(), stored.expiresAtEpochSecond())).statusCode());
        assertEquals(403, Webhooks.get(base, "/media/" + stored.id() + "?exp=" + stored.expiresAtEpochSecond()).statusCode());
        var past = Instant.now().getEpochSecond() - 10;
        assertEquals(410, Webhooks.get(base, "/media/" + stored.id() + "?exp=" + past + "&sig=" + signer.signature(stored.id(), past)).statusCode());
        var unknown = UUID.randomUUID().toString().replace("-", "");
        var exp = Instant.now().getEpochSecond() + 60;
        assertEquals(404, Webhooks.get(base, "/media/" + unknown + "?exp=" + exp + "&sig=" + signer.signature(unknown, exp)).statusCode());
        assertEquals(403, Webhooks.get(base, "/media/NOT-AN-ID?exp=" + exp + "&sig=x").statusCode());
    }

    @Test
    void refusesToStoreSomethingThatIsNotAPng() {
        assertThrows(IllegalArgumentException.class,
                () -> store.storePng("<svg/>".getBytes(), Duration.ofMinutes(1)).await().atMost(Duration.ofSeconds(5)));
    }
}
