package com.flashapp.whatsapp.gateway.security;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Flash webhook check is standard Svix: pinned by the example in Svix's own documentation. */
class SvixVerifierTest {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final String TIMESTAMP = "1614265330";
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    static SvixVerifier at(long epochSecond) {
        return new SvixVerifier(SECRET, Duration.ofMinutes(5), Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }

    @Test
    void acceptsSvixsDocumentedExample() {
        var verifier = at(1614265330L + 60);
        assertEquals(SIGNATURE.substring(3), verifier.sign(ID, TIMESTAMP, BODY));
        assertTrue(verifier.isValid(ID, TIMESTAMP, SIGNATURE, BODY));
        // several signatures during a secret rotation: any valid one passes
        assertTrue(verifier.isValid(ID, TIMESTAMP, "v1,AAAA " + SIGNATURE, BODY));
    }

    @Test
    void refusesAlteredBodyOtherIdStaleTimestampAndOtherVersions() {
        var verifier = at(1614265330L);
        assertFalse(verifier.isValid(ID, TIMESTAMP, SIGNATURE, "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8)));
        assertFalse(verifier.isValid("msg_other", TIMESTAMP, SIGNATURE, BODY));
        assertFalse(verifier.isValid(ID, TIMESTAMP, "v2," + SIGNATURE.substring(3), BODY));
        assertFalse(verifier.isValid(ID, TIMESTAMP, null, BODY));
        assertFalse(at(1614265330L + 301).isValid(ID, TIMESTAMP, SIGNATURE, BODY));
        assertFalse(at(1614265330L - 301).isValid(ID, TIMESTAMP, SIGNATURE, BODY));
        assertFalse(verifier.isValid(ID, "not-a-number", SIGNATURE, BODY));
    }
}
