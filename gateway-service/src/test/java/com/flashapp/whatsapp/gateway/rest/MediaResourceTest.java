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

/** Stored images are served only through a valid, unexpired signed URL, with the type they were stored as. */
@QuarkusTest
class MediaResourceTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};

    @TestHTTPResource("/")
    URI base;

    @Inject
    MediaStore store;

    @Inject
    MediaUrlSigner signer;

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private String link(String id, long exp) {
        return "/media/" + id + "?exp=" + exp + "&sig=" + signer.signature(id, exp);
    }

    @Test
    void servesAStoredPngThroughItsSignedUrl() {
        var id = newId();
        var exp = Instant.now().plusSeconds(300).getEpochSecond();
        store.put(id, new MediaStore.Image(MediaStore.PNG, PNG), Instant.ofEpochSecond(exp)).await().atMost(Duration.ofSeconds(5));

        var response = Webhooks.get(base, link(id, exp));
        assertEquals(200, response.statusCode());
        assertEquals("image/png", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertArrayEquals(PNG, response.body());
    }

    @Test
    void refusesTamperedExpiredOrUnknownLinks() {
        var id = newId();
        var exp = Instant.now().plusSeconds(300).getEpochSecond();
        store.put(id, new MediaStore.Image(MediaStore.PNG, PNG), Instant.ofEpochSecond(exp)).await().atMost(Duration.ofSeconds(5));
        // a longer expiry with the old signature
        assertEquals(403, Webhooks.get(base, "/media/" + id + "?exp=" + (exp + 3600) + "&sig="
                + signer.signature(id, exp)).statusCode());
        // another id with this id's signature
        assertEquals(403, Webhooks.get(base, "/media/" + newId() + "?exp=" + exp + "&sig=" + signer.signature(id, exp)).statusCode());
        assertEquals(403, Webhooks.get(base, "/media/" + id + "?exp=" + exp).statusCode());
        assertEquals(403, Webhooks.get(base, "/media/" + id + "?exp=soon&sig=" + signer.signature(id, exp)).statusCode());
        assertEquals(403, Webhooks.get(base, "/media/NOT.AN.ID?exp=" + exp + "&sig=" + signer.signature("NOT.AN.ID", exp)).statusCode());
        var past = Instant.now().getEpochSecond() - 10;
        var expired = Webhooks.get(base, link(id, past));
        assertEquals(410, expired.statusCode());
        // a valid link whose image never arrives: 404 once the wait for it is over
        var unknown = Webhooks.get(base, link(newId(), exp));
        assertEquals(404, unknown.statusCode());
        assertEquals("application/problem+json", unknown.headers().firstValue("Content-Type").orElse(""));
    }
}
