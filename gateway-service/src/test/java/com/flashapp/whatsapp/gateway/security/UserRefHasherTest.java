package com.flashapp.whatsapp.gateway.security;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** userRef is the documented format every service relies on: "u_" + hex(HMAC-SHA256(key, E.164)). */
@QuarkusTest
class UserRefHasherTest {

    @Inject
    UserRefHasher hasher;

    @Test
    void isTheKeyedHashOfTheE164Number() {
        // python3 -c 'import hmac,hashlib;print(hmac.new(b"dev-user-ref-key-not-secret",b"+18765550101",hashlib.sha256).hexdigest())'
        assertEquals("u_" + EXPECTED, hasher.userRef("+18765550101"));
        assertNotEquals(hasher.userRef("+18765550101"), hasher.userRef("+18765550102"));
    }

    static final String EXPECTED = "66b716e19739d20a049809b668662026f3e080e534de8acc4079478152c84da4";
}
