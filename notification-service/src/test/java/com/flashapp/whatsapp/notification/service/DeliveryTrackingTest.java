package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.OutboundState;
import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.form;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Twilio status callbacks (as the gateway publishes them) move a message forward only; the admin query shows it. */
@QuarkusTest
class DeliveryTrackingTest extends NotificationTestBase {

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @Inject
    OutboxRepository outbox;

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
        given().get(metrics).then().statusCode(200)
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

    /**
     * No index of the message record names a column its later steps change, so sent, delivered and read are HOT
     * updates (the new row version on the same page, no index entries): nothing for the relay's vacuum to find in
     * the record's indexes. An index on state or on the Twilio sid would make every one of them non-HOT.
     */
    @Test
    void aMessagesLaterStepsAreHotUpdatesOfItsRecord() {
        var before = updates();
        var to = randomWhatsapp();
        var user = randomUserRef();
        int messages = 10;
        var first = reply(to, user, "hot 0");
        send(first);
        for (int i = 1; i < messages; i++) {
            send(reply(to, user, "hot " + i));
        }
        var rows = await().atMost(WAIT).until(() -> stored(to), r -> r.size() == messages
                && r.stream().allMatch(row -> "sent".equals(row.getString("state"))));
        for (var row : rows) {
            var sid = row.getString("twilio_sid");
            status(first.envelope(), sid, "delivered", to, null);
            status(first.envelope(), sid, "read", to, null);
        }
        awaitState(to, "read");

        // the statistics reach pg_stat_user_tables when each connection next reports (within seconds); a message's
        // delivered and read may arrive together and be applied as one update
        var after = await().atMost(Duration.ofSeconds(30)).until(this::updates,
                u -> u[0] - before[0] >= 2L * messages);
        long updated = after[0] - before[0];
        long hot = after[1] - before[1];
        assertTrue(hot >= updated * 9 / 10, hot + " of " + updated + " updates were HOT");
    }

    /** The record table's updates so far and how many of them were HOT. */
    private long[] updates() {
        var row = pool.query("select n_tup_upd, n_tup_hot_upd from pg_stat_user_tables "
                        + "where relname = 'outbound_message'")
                .execute().await().indefinitely().iterator().next();
        return new long[] {row.getLong(0), row.getLong(1)};
    }

    /**
     * Callbacks applied as one group end as if applied one by one: each moves its message only forward (a step
     * back in the same group too), an error is kept with its step, an unknown sid is kept unapplied with its recipient,
     * and every callback is in the history in the order given.
     */
    @Test
    void aGroupOfCallbacksIsAppliedAsIfOneByOne() {
        var toA = randomWhatsapp();
        var toB = randomWhatsapp();
        var a = reply(toA, randomUserRef(), "group a");
        var b = reply(toB, randomUserRef(), "group b");
        send(a);
        send(b);
        var sidA = awaitState(toA, "sent").getString("twilio_sid");
        var sidB = awaitState(toB, "sent").getString("twilio_sid");
        var unknown = randomSid();
        var now = Instant.now();

        var applied = outbox.applyStatuses(List.of(
                update(sidA, toA, "delivered", null, now),
                update(sidB, toB, "undelivered", "30003", now),
                update(sidA, toA, "read", null, now),
                update(unknown, "whatsapp:+18765550100", "delivered", null, now),
                update(sidA, toA, "sent", null, now),
                update(sidB, toB, "failed", "30008", now)))
                .await().atMost(WAIT);

        // failed after undelivered is no step forward (both are final), as one by one
        assertEquals(List.of(true, true, true, false, false, false),
                applied.stream().map(OutboxRepository.StatusApplied::applied).toList());
        assertEquals(a.envelope().messageId(), applied.get(0).messageId());
        assertEquals(null, applied.get(3).messageId());
        assertEquals("read", stateOf(a.envelope().messageId()));
        assertEquals("undelivered", stateOf(b.envelope().messageId()));
        assertEquals("30003", storedOne(toB).getString("error_code"));
        given().get("/admin/messages/" + a.envelope().messageId()).then().statusCode(200)
                .body("steps.state", contains("queued", "sent", "delivered", "read", "sent"))
                .body("steps.applied", contains(true, true, true, true, false));
        var orphan = pool.preparedQuery("select message_id, applied, to_address from outbound_event "
                + "where twilio_sid = $1").execute(Tuple.of(unknown)).await().indefinitely().iterator().next();
        assertEquals(null, orphan.getUUID("message_id"));
        assertEquals(false, orphan.getBoolean("applied"));
        assertEquals("whatsapp:+18765550100", orphan.getString("to_address"));
    }

    private static OutboxRepository.StatusUpdate update(String sid, String to, String status, String errorCode,
                                                        Instant now) {
        return new OutboxRepository.StatusUpdate(sid, to, status, OutboundState.fromTwilio(status), errorCode,
                errorCode == null ? null : "error " + errorCode, now, now);
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
