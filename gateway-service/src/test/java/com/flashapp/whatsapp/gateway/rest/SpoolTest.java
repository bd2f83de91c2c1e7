package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.gateway.support.Webhooks;
import com.flashapp.whatsapp.messaging.testkit.BrokerProxy;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.messaging.testkit.ProxiedBroker;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker goes away (the gateway's connections through a proxy are cut and refused): webhooks are still answered
 * 200, kept in the spool, and relayed to the broker in the order they came once it is back; the gateway stays ready.
 */
@QuarkusTest
@TestProfile(SpoolTest.BehindAProxy.class)
class SpoolTest {

    /** The gateway reaches the broker through a proxy the test controls. */
    public static class BehindAProxy implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxiedBroker.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.publish-timeout", "1s", "gateway.spool.relay-interval", "200ms",
                    "gateway.spool.batch", "20");
        }
    }

    BrokerProxy proxy;

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @AfterEach
    void restore() {
        proxy.refuse(false);
    }

    @Test
    void webhooksWhileTheBrokerIsAwayAreKeptAndRelayedInOrderWhenItIsBack() {
        try (var tap = BrokerTap.on().and(Exchanges.WHATSAPP_INBOUND, RoutingKeys.Inbound.ALL)) {
            brokerAway();

            var phone = Webhooks.newPhone();
            var sent = new ArrayList<Map<String, String>>();
            for (int i = 1; i <= 5; i++) {
                var params = Webhooks.text(Webhooks.newSid(), phone, "message " + i);
                var response = Webhooks.postSigned(base, Webhooks.MESSAGES, params);
                assertEquals(200, response.statusCode(), response.body());
                sent.add(params);
            }
            // kept, not published, and the gateway stays in service
            given().get(readiness).then().statusCode(200).body("status", is("UP"));
            tap.flush();
            assertTrue(tap.messages(InboundMessage.class, m -> phone.equals(m.phone())).isEmpty());

            proxy.refuse(false);
            var relayed = tap.awaitCount(InboundMessage.class, m -> phone.equals(m.phone()), 5, Duration.ofSeconds(30));
            assertEquals(List.of("message 1", "message 2", "message 3", "message 4", "message 5"),
                    relayed.stream().map(InboundMessage::body).toList(), "relayed in the order they came");
            awaitSpoolEmpty();

            // Twilio retrying one of them: a duplicate, not a second message
            var retry = Webhooks.postSigned(base, Webhooks.MESSAGES, sent.get(0));
            assertEquals(200, retry.statusCode(), retry.body());
            tap.flush();
            assertEquals(5, tap.messages(InboundMessage.class, m -> phone.equals(m.phone())).size());
        }
    }

    @Test
    void aSpoolOfManyUsersIsRelayedInRoundsWithEachUsersOrderKept() {
        try (var tap = BrokerTap.on().and(Exchanges.WHATSAPP_INBOUND, RoutingKeys.Inbound.ALL)) {
            brokerAway();

            // 8 users, 6 messages each, interleaved; more than a round (gateway.spool.batch=20 here)
            var phones = new ArrayList<String>();
            for (int u = 0; u < 8; u++) {
                phones.add(Webhooks.newPhone());
            }
            for (int i = 1; i <= 6; i++) {
                for (var phone : phones) {
                    var response = Webhooks.postSigned(base, Webhooks.MESSAGES,
                            Webhooks.text(Webhooks.newSid(), phone, "message " + i));
                    assertEquals(200, response.statusCode(), response.body());
                }
            }

            proxy.refuse(false);
            var expected = List.of("message 1", "message 2", "message 3", "message 4", "message 5", "message 6");
            for (var phone : phones) {
                var relayed = tap.awaitCount(InboundMessage.class, m -> phone.equals(m.phone()), 6,
                        Duration.ofSeconds(30));
                assertEquals(expected, relayed.stream().map(InboundMessage::body).toList(), "one user's order");
            }
            awaitSpoolEmpty();
            // each once: none relayed twice
            tap.flush();
            for (var phone : phones) {
                assertEquals(6, tap.messages(InboundMessage.class, m -> phone.equals(m.phone())).size());
            }
        }
    }

    /** Cuts the gateway's broker connections and refuses new ones until webhooks go to the spool. */
    private void brokerAway() {
        proxy.refuse(true);
        proxy.cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> "spool".equals(given().get(readiness).then().extract()
                .path("checks.find { it.name == 'Webhook intake' }.data.to")));
    }

    private void awaitSpoolEmpty() {
        await().atMost(Duration.ofSeconds(10)).until(() -> Integer.valueOf(0).equals(given().get(readiness)
                .then().extract().path("checks.find { it.name == 'Webhook intake' }.data.spool-depth")));
    }
}
