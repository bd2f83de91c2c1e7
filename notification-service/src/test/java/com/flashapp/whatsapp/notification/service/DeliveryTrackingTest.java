package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.form;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Twilio status callbacks (as the gateway publishes them) move a message forward only; the admin query shows it. */
@QuarkusTest
class DeliveryTrackingTest extends NotificationTestBase {

    @Test
    void outOfOrderCallbacksNeverMoveAMessageBackwards() {
        var to = randomWhatsapp();
        var message = reply(to, randomUserRef(), "track me");
        send(message);
        var sid = awaitState(to, "sent").getString("twilio_sid");

        status(message.envelope(), sid, "read", to, null);
        await().atMost(WAIT).until(() -> "read".equals(stateOf(message.envelope().messageId())));
        status(message.envelope(), sid, "delivered", to, null);
        status(message.envelope(), sid, "sent", to, null);
        await().atMost(WAIT).until(() -> callbacks(sid) == 3);

        assertEquals("read", stateOf(message.envelope().messageId()));
        given().get("/admin/messages/" + message.envelope().messageId()).then().statusCode(200)
                .body("state", is("read"))
                .body("twilioSid", is(sid))
                .body("steps.state", contains("queued", "sent", "read", "delivered", "sent"))
                .body("steps.applied", contains(true, true, true, false, false));
        given().queryParam("correlationId", message.envelope().correlationId()).get("/admin/messages")
                .then().statusCode(200)
                .body("id", contains(message.envelope().messageId().toString()));
    }

    @Test
    void deliveredThenReadIsTheNormalPath() {
        var to = randomWhatsapp();
        var message = reply(to, randomUserRef(), "normal path");
        send(message);
        var sid = awaitState(to, "sent").getString("twilio_sid");

        status(message.envelope(), sid, "delivered", to, null);
        await().atMost(WAIT).until(() -> "delivered".equals(stateOf(message.envelope().messageId())));
        status(message.envelope(), sid, "read", to, null);
        await().atMost(WAIT).until(() -> "read".equals(stateOf(message.envelope().messageId())));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("notification_delivery_latency"));
    }

    @Test
    void anAsynchronousOutsideTheWindowFailureIsResentAsTheTemplate() {
        var to = randomWhatsapp();
        var message = notification(to, randomUserRef(), "You received 1,000 sats", "payment_received",
                Map.of("1", "1,000 sats", "2", "rohan"), null);
        send(message);
        var sid = awaitState(to, "sent").getString("twilio_sid");

        status(message.envelope(), sid, "failed", to, "63016");

        await().atMost(WAIT).until(() -> requestsTo(to).size() == 2);
        assertEquals("HX00000000000000000000000000000001", form(requestsTo(to).get(1)).get("ContentSid"));
        assertEquals("failed", stateOf(message.envelope().messageId()));
        await().atMost(WAIT).until(() -> stored(to).size() == 2 && "sent".equals(stored(to).get(1).getString("state")));
        assertEquals("template", stored(to).get(1).getString("kind"));
    }

    @Test
    void unknownIdsGiveAProblemBody() {
        given().get("/admin/messages/not-a-uuid").then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", is(400)).body("title", is("Bad Request"));
        given().get("/admin/messages/" + java.util.UUID.randomUUID()).then().statusCode(404)
                .body("status", is(404));
        given().get("/admin/messages").then().statusCode(400).body("detail", containsString("correlationId"));
    }

    private long callbacks(String sid) {
        return pool.preparedQuery("select count(*) from outbound_event where twilio_sid = $1 "
                        + "and detail like 'reported%'")
                .execute(Tuple.of(sid)).await().indefinitely().iterator().next().getLong(0);
    }
}
