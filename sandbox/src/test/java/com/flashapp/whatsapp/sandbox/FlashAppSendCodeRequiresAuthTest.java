package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.flashapp.whatsapp.sandbox.TestData.graphql;
import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * With Flash's real rule (the GraphQL code request needs a session), the app's own "Send code" still gives a
 * newcomer a code to log in with.
 */
@QuarkusTest
@TestProfile(FlashAppSendCodeRequiresAuthTest.RequiresAuth.class)
class FlashAppSendCodeRequiresAuthTest {

    public static class RequiresAuth implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("sandbox.flash.registration-initiate-requires-auth", "true");
        }
    }

    @Test
    void theAppsSendCodeWorksWhereTheAnonymousMutationIsRefused() {
        var phone = randomPhone();
        var anonymous = graphql(null, TestData.INITIATE,
                Map.of("input", Map.of("phone", phone, "channel", "SMS")));
        assertEquals("NOT_AUTHENTICATED", anonymous.getString("errors[0].extensions.code"));

        var code = FlashAppSendCodeTest.sendCode(phone).getString("code");
        assertNotNull(FlashAppSendCodeTest.login(phone, code).getString("data.userLogin.authToken"));
    }
}
