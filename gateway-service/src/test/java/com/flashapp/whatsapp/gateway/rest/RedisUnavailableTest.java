package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.gateway.support.Webhooks;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Redis is away (the gateway points at a closed port): dedup, rate limit and spool cannot be used, but Twilio would not
 * retry a 503, so a genuine webhook is still published (unchecked) and answered 200; a repeat of it carries the same
 * message id, which the consumer's inbox drops.
 */
@QuarkusTest
@TestProfile(RedisUnavailableTest.NoRedis.class)
class RedisUnavailableTest {

    /** Points the Redis client at a port nothing listens on. */
    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.redis.hosts", "redis://localhost:" + closedPort(), "quarkus.redis.timeout", "1s");
        }

        static int closedPort() {
            try (var socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (Exception e) {
                return 1;
            }
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Test
    void aWebhookIsPublishedUncheckedAndARepeatCarriesTheSameMessageId() {
        try (var tap = BrokerTap.on().and(Exchanges.WHATSAPP_INBOUND, RoutingKeys.Inbound.ALL)) {
            var sid = Webhooks.newSid();
            var params = Webhooks.text(sid, Webhooks.newPhone(), "balance");

            var first = Webhooks.postSigned(base, Webhooks.MESSAGES, params);
            assertEquals(200, first.statusCode(), first.body());
            var repeat = Webhooks.postSigned(base, Webhooks.MESSAGES, params);
            assertEquals(200, repeat.statusCode(), repeat.body());

            tap.flush();
            var published = tap.messages(InboundMessage.class, m -> sid.equals(m.messageSid()));
            assertEquals(2, published.size(), "no dedup without Redis");
            assertEquals(published.get(0).envelope().messageId(), published.get(1).envelope().messageId(),
                    "the same message id, so the consumer handles it once");
        }
    }
}
