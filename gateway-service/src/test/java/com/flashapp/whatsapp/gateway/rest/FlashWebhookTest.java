package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.gateway.security.SvixVerifier;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.gateway.support.Webhooks;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Flash's Svix-signed account callbacks become {@code payment.received}, once per transaction id. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlashWebhookTest {

    static final String PATH = "/webhooks/flash";

    @TestHTTPResource("/")
    URI base;

    @Inject
    SvixVerifier svix;

    BrokerTap events;

    @BeforeAll
    void tap() {
        events = BrokerTap.on(Exchanges.FLASH_EVENTS, RoutingKeys.FlashEvents.ALL_PAYMENTS);
    }

    @AfterAll
    void untap() {
        events.close();
    }

    private java.net.http.HttpResponse<String> send(String json, long timestamp, boolean validSignature) {
        var id = "msg_" + UUID.randomUUID();
        var body = json.getBytes(StandardCharsets.UTF_8);
        var ts = Long.toString(timestamp);
        var signature = "v1," + (validSignature ? svix.sign(id, ts, body) : svix.sign(id, ts, "{}".getBytes(StandardCharsets.UTF_8)));
        return Webhooks.post(base, PATH, "application/json",
                Map.of("svix-id", id, "svix-timestamp", ts, "svix-signature", "v1,bm90LXRoaXMtb25l " + signature), body);
    }

    @Test
    void receiveLightningPublishesPaymentReceivedOncePerTransaction() {
        var txid = "tx-" + UUID.randomUUID();
        var json = "{\"eventType\":\"receive.lightning\",\"accountId\":\"acct-42\",\"txid\":\"" + txid
                + "\",\"walletId\":\"wal-usd-1\",\"walletCurrency\":\"USD\",\"amount\":1250}";
        var now = Instant.now().getEpochSecond();

        assertEquals(204, send(json, now, true).statusCode());
        assertEquals(204, send(json, now, true).statusCode()); // Svix retries with a new attempt

        var event = events.await(PaymentReceived.class, e -> txid.equals(e.transactionId()));
        assertEquals(RoutingKeys.FlashEvents.PAYMENT_RECEIVED, event.envelope().type());
        assertEquals("acct-42", event.flashAccountId());
        assertEquals("wal-usd-1", event.walletId());
        assertEquals("USD", event.walletCurrency());
        assertEquals(1250, event.amountMinor());
        assertEquals("webhook", event.source());
        assertNull(event.envelope().userRef());
        events.flush();
        assertEquals(1, events.messages(PaymentReceived.class, e -> txid.equals(e.transactionId())).size());
    }

    @Test
    void refusesForgedOrStaleCallbacksAndIgnoresOtherEvents() {
        var txid = "tx-" + UUID.randomUUID();
        var json = "{\"eventType\":\"receive.intraledger\",\"accountId\":\"acct-7\",\"txid\":\"" + txid + "\",\"paymentHash\":\"ab\"}";
        var now = Instant.now().getEpochSecond();
        assertEquals(403, send(json, now, false).statusCode());
        assertEquals(403, send(json, now - 3600, true).statusCode());
        assertEquals(403, Webhooks.post(base, PATH, "application/json", Map.of(), json.getBytes(StandardCharsets.UTF_8)).statusCode());
        assertEquals(400, send("{\"eventType\":\"receive.lightning\",\"accountId\":\"acct-7\"}", now, true).statusCode());
        assertEquals(400, send("not json", now, true).statusCode());
        assertEquals(204, send("{\"eventType\":\"send.lightning\",\"txid\":\"" + txid + "\"}", now, true).statusCode());
        events.flush();
        assertTrue(events.messages(PaymentReceived.class, e -> txid.equals(e.transactionId())).isEmpty());
    }
}
