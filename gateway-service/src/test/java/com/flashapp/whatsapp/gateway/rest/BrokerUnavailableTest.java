package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.gateway.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no broker to confirm (the gateway points at a closed port; the shared RabbitMQ keeps running) and the spool off,
 * a genuine webhook is answered 503 so Twilio retries, never 200, and its dedup claim is released for the retry. (With
 * the spool on, the default, it is kept in the spool instead: {@code SpoolTest}.)
 */
@QuarkusTest
@TestProfile(BrokerUnavailableTest.NoBroker.class)
class BrokerUnavailableTest {

    /** Points the RabbitMQ client at a port nothing listens on, turns the spool off, shortens the confirm timeout. */
    public static class NoBroker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("rabbitmq-port", Integer.toString(closedPort()), "gateway.publish-timeout", "500ms",
                    "gateway.spool.enabled", "false", "messaging.readiness.publisher", "true");
        }

        static int closedPort() {
            try (var socket = new ServerSocket(0)) {
                return socket.getLocalPort(); // free now, and nothing will listen on it
            } catch (Exception e) {
                return 1;
            }
        }
    }

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @Test
    void answers503WhenTheBrokerDoesNotConfirmAndLetsTheRetryTryAgain() {
        var params = Webhooks.text(Webhooks.newSid(), Webhooks.newPhone(), "balance");

        var first = Webhooks.postSigned(base, Webhooks.MESSAGES, params);
        assertEquals(503, first.statusCode(), first.body());
        assertTrue(first.headers().firstValue("Retry-After").isPresent());
        assertTrue(first.body().contains("urn:flash-whatsapp:problem:broker-unavailable"));

        // the retry is not mistaken for a duplicate (which would be answered 200 and lost)
        var retry = Webhooks.postSigned(base, Webhooks.MESSAGES, params);
        assertEquals(503, retry.statusCode(), retry.body());

        // and the instance says it is not ready, so a load balancer sends Twilio to another one
        given().get(readiness).then().statusCode(503)
                .body("checks.find { it.name == 'RabbitMQ' }.status", is("DOWN"));
    }
}
