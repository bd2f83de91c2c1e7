package com.flashapp.whatsapp.gateway.rest;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.delivery.DeliveryStatus;
import com.flashapp.whatsapp.gateway.security.UserRefHasher;
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
import java.util.LinkedHashMap;
import java.util.Map;

import static com.flashapp.whatsapp.gateway.support.Webhooks.STATUS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Twilio status callbacks become {@code whatsapp.delivery} {@code status.<status>}, once per sid and status. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusCallbackWebhookTest {

    @TestHTTPResource("/")
    URI base;

    @Inject
    UserRefHasher hasher;

    BrokerTap delivery;

    @BeforeAll
    void tap() {
        delivery = BrokerTap.on(Exchanges.WHATSAPP_DELIVERY, RoutingKeys.Delivery.ALL);
    }

    @AfterAll
    void untap() {
        delivery.close();
    }

    static Map<String, String> callback(String sid, String status, String phone) {
        var p = new LinkedHashMap<String, String>();
        p.put("ChannelPrefix", "whatsapp");
        p.put("ApiVersion", "2010-04-01");
        p.put("MessageStatus", status);
        p.put("SmsSid", sid);
        p.put("SmsStatus", status);
        p.put("ChannelInstallSid", "XE00000000000000000000000000000000");
        p.put("To", "whatsapp:" + phone);
        p.put("From", "whatsapp:+14155238886");
        p.put("MessageSid", sid);
        p.put("AccountSid", "AC00000000000000000000000000000000");
        return p;
    }

    @Test
    void publishesFailedStatusWithErrorOnceEvenWhenRepeated() {
        var sid = Webhooks.newSid();
        var phone = Webhooks.newPhone();
        var failed = callback(sid, "failed", phone);
        failed.put("ErrorCode", "63016");
        failed.put("ErrorMessage", "Outside the 24-hour window");

        assertEquals(204, Webhooks.postSigned(base, STATUS, failed).statusCode());
        assertEquals(204, Webhooks.postSigned(base, STATUS, failed).statusCode());
        assertEquals(204, Webhooks.postSigned(base, STATUS, callback(sid, "sent", phone)).statusCode());

        var status = delivery.await(DeliveryStatus.class, s -> sid.equals(s.messageSid()) && "failed".equals(s.status()));
        assertEquals(RoutingKeys.Delivery.FAILED, status.envelope().type());
        assertEquals("63016", status.errorCode());
        assertEquals("Outside the 24-hour window", status.errorMessage());
        assertEquals("whatsapp:" + phone, status.to());
        assertEquals(hasher.userRef(phone), status.envelope().userRef());
        assertEquals(sid, status.envelope().correlationId());
        delivery.flush();
        assertEquals(1, delivery.messages(DeliveryStatus.class, s -> sid.equals(s.messageSid()) && "failed".equals(s.status())).size());
        var sent = delivery.messages(DeliveryStatus.class, s -> sid.equals(s.messageSid()) && "sent".equals(s.status()));
        assertEquals(1, sent.size());
        assertNull(sent.get(0).errorCode());
        assertTrue(delivery.seen(sid).stream().anyMatch(d -> d.routingKey().equals("status.sent")));
    }

    @Test
    void refusesUnsignedOrIncompleteCallbacks() {
        var sid = Webhooks.newSid();
        var params = callback(sid, "delivered", Webhooks.newPhone());
        assertEquals(403, Webhooks.post(base, STATUS, Webhooks.FORM, (String) null, Webhooks.form(params)).statusCode());
        var noStatus = new LinkedHashMap<>(params);
        noStatus.remove("MessageStatus");
        assertEquals(400, Webhooks.postSigned(base, STATUS, noStatus).statusCode());
        var oddStatus = new LinkedHashMap<>(params);
        oddStatus.put("MessageStatus", "delivered.#");
        assertEquals(400, Webhooks.postSigned(base, STATUS, oddStatus).statusCode());
        delivery.flush();
        assertTrue(delivery.messages(DeliveryStatus.class, s -> sid.equals(s.messageSid())).isEmpty());
    }
}
