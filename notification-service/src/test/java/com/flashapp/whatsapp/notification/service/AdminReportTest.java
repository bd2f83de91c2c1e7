package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.admin.AdminUserRequest;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.SandboxTwilio;
import com.flashapp.whatsapp.notification.support.TestClock;
import com.flashapp.whatsapp.notification.support.WireMockTwilio;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static com.flashapp.whatsapp.notification.repository.OutboxRepository.odt;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * notification.requests from a verified admin: admin.stats answers with delivery figures from the outbox,
 * admin.user with what is stored about one user; both answered once, to the admin, through the sandbox's
 * Twilio simulator.
 */
@QuarkusTest
class AdminReportTest extends NotificationTestBase {

    String simulator;
    String admin;
    String adminRef;
    /** Every seeded row goes to addresses with this prefix, so the test can remove them afterwards. */
    String seedPrefix;

    @BeforeEach
    void adminAndSimulator() {
        simulator = SandboxTwilio.ready();
        admin = WireMockTwilio.SANDBOX_PREFIX + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
        adminRef = randomUserRef();
        seedPrefix = "whatsapp:+1999" + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
    }

    @AfterEach
    void removeSeeds() {
        pool.preparedQuery("delete from outbound_event where message_id in (select id from outbound_message "
                + "where to_address like $1)").execute(Tuple.of(seedPrefix + "%")).await().indefinitely();
        pool.preparedQuery("delete from outbound_pending where to_address like $1")
                .execute(Tuple.of(seedPrefix + "%")).await().indefinitely();
        pool.preparedQuery("delete from outbound_message where to_address like $1")
                .execute(Tuple.of(seedPrefix + "%")).await().indefinitely();
    }

    @Test
    void dailyStatsCountTheDaysMessagesAndADuplicateRequestIsAnsweredOnce() {
        // a day of its own, far from every other test's messages
        var now = Instant.now().plus(3650, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        TestClock.INSTANCE.set(now);
        seedPeriod(now);

        var request = statsRequest("day");
        publish(Exchanges.NOTIFICATION_REQUESTS, request);
        publish(Exchanges.NOTIFICATION_REQUESTS, request); // redelivered

        var body = sentToAdmin();
        assertEquals("""
                📊 Notifications, last 24 hours
                Stored 13 · sent 9 · delivered 6 (read 2)
                Delivery rate: 66.7%
                Failed/undelivered: 4 (63016 ×2, 21211 ×1, 30008 ×1)
                Still queued: 2 · held: 1
                Retries: 3 · template fallbacks: 2""", body);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> stored(admin).size() == 1
                && simulated(admin).size() == 1);
    }

    @Test
    void weeklyStatsIncludeEarlierDaysOfTheWeek() {
        var now = Instant.now().plus(5475, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        TestClock.INSTANCE.set(now);
        seedPeriod(now);

        publish(Exchanges.NOTIFICATION_REQUESTS, statsRequest("week"));

        var body = sentToAdmin();
        assertTrue(body.startsWith("📊 Notifications, last 7 days\n"), body);
        assertTrue(body.contains("Stored 14 · sent 10 · delivered 7 (read 2)"), body);
        assertTrue(body.contains("Delivery rate: 70.0%"), body);
    }

    @Test
    void anUnknownPeriodIsExplained() {
        publish(Exchanges.NOTIFICATION_REQUESTS, statsRequest("month"));
        var body = sentToAdmin();
        assertTrue(body.startsWith("⚠️ I can report notification stats for a *day* or a *week*, not \"month\""),
                body);
    }

    @Test
    void aUsersPreferencesAddressAndRecentMessagesAreReportedMasked() {
        var userRef = randomUserRef();
        var address = seedPrefix + "0101";
        var now = Instant.now();
        pool.preparedQuery("insert into notification_preferences (user_ref, enabled, minimum_value, minimum_unit, "
                        + "quiet_start, quiet_end, time_zone, frequency, updated_at) values ($1, true, 100, 'JMD', "
                        + "$2, $3, 'America/Jamaica', 'daily', now())")
                .execute(Tuple.of(userRef, LocalTime.of(22, 0), LocalTime.of(7, 0))).await().indefinitely();
        pool.preparedQuery("insert into account_link (user_ref, flash_account_id, whatsapp, display_currency, "
                        + "linked_at) values ($1, $2, $3, 'JMD', now())")
                .execute(Tuple.of(userRef, "acct-" + UUID.randomUUID(), address)).await().indefinitely();
        pool.preparedQuery("insert into inbound_window (user_ref, last_inbound_at) values ($1, $2)")
                .execute(Tuple.of(userRef, odt(Instant.parse("2026-11-20T14:15:00Z")))).await().indefinitely();
        seed(userRef, address, "read", now.minus(Duration.ofHours(1)), true, null, false, "reply");
        seed(userRef, address, "delivered", now.minus(Duration.ofDays(3)), true, null, false, "notification");
        seed(userRef, address, "failed", now.minus(Duration.ofDays(6)), false, "21211", false, "reply");
        seed(userRef, address, "delivered", now.minus(Duration.ofDays(9)), true, null, false, "reply");

        publish(Exchanges.NOTIFICATION_REQUESTS, userRequest(userRef, "+1999•••0101"));

        var body = sentToAdmin();
        var masked = address.substring("whatsapp:".length(), "whatsapp:".length() + 5) + "•••0101";
        assertEquals("""
                👤 +1999•••0101
                🔔 Payment notifications: on
                Minimum amount: J$100.00
                Quiet hours: 22:00–07:00
                Digest: daily
                Time zone: America/Jamaica
                WhatsApp address: %s
                Last message from them: 2026-11-20 09:15 (America/Jamaica)
                Messages, last 7 days: 3 (sent 2, delivered 2, failed 1, queued 0)""".formatted(masked), body);
        assertFalse(body.contains(address.substring("whatsapp:".length())), "the full number never appears");
    }

    @Test
    void anUnknownUserHasNoPreferencesStored() {
        var request = userRequest(randomUserRef(), "@nobody");
        publish(Exchanges.NOTIFICATION_REQUESTS, request);
        publish(Exchanges.NOTIFICATION_REQUESTS, request); // redelivered

        var body = sentToAdmin();
        assertEquals("""
                👤 @nobody
                No preferences stored.
                WhatsApp address: not stored
                Last message from them: never
                Messages, last 7 days: 0 (sent 0, delivered 0, failed 0, queued 0)""", body);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> stored(admin).size() == 1);
    }

    /**
     * In the day before {@code now}: 13 messages (9 accepted by Twilio, 6 delivered of which 2 read, 4 failed,
     * 2 unsent), 3 retries, 2 template fallbacks, 1 held payment; and 1 delivered message 2 days earlier.
     */
    private void seedPeriod(Instant now) {
        var user = randomUserRef();
        var hourAgo = now.minus(Duration.ofHours(1));
        var read1 = seed(user, seedPrefix + "0001", "read", hourAgo, true, null, false, "reply");
        var read2 = seed(user, seedPrefix + "0002", "read", hourAgo, true, null, false, "reply");
        for (int i = 0; i < 3; i++) {
            seed(user, seedPrefix + "001" + i, "delivered", hourAgo, true, null, false, "notification");
        }
        seed(user, seedPrefix + "0020", "sent", hourAgo, true, null, false, "reply");
        seed(user, seedPrefix + "0021", "delivered", hourAgo, true, null, true, "notification");
        seed(user, seedPrefix + "0030", "undelivered", hourAgo, true, "30008", false, "reply");
        seed(user, seedPrefix + "0031", "failed", hourAgo, false, "63016", false, "reply");
        var resent = seed(user, seedPrefix + "0032", "failed", hourAgo, true, "63016", false, "notification");
        seed(user, seedPrefix + "0033", "failed", hourAgo, false, "21211", false, "reply");
        seed(user, seedPrefix + "0040", "queued", hourAgo, false, null, false, "reply");
        seed(user, seedPrefix + "0041", "sending", hourAgo, false, null, false, "reply");
        event(read1, "retry", now);
        event(read1, "retry", now);
        event(read2, "retry", now);
        event(resent, "template_fallback", now);
        seed(user, seedPrefix + "0050", "delivered", now.minus(Duration.ofDays(2)), true, null, false, "reply");
        pool.preparedQuery("insert into payment_notification (transaction_id, event_type, user_ref, amount_minor, "
                        + "state, due_at, created_at) values ($1, 'payment.received', $2, 1000, 'held', $3, $4)")
                .execute(Tuple.of("tx-" + UUID.randomUUID(), user, odt(now.plus(Duration.ofDays(400))),
                        odt(hourAgo)))
                .await().indefinitely();
    }

    /** A message in a given state, as the relay and status callbacks would have left it. */
    private UUID seed(String userRef, String to, String state, Instant createdAt, boolean accepted, String error,
                      boolean template, String kind) {
        var id = UUID.randomUUID();
        // unsent seeds are due far in the future (and their claim fresh), so the relay leaves them alone
        var due = createdAt.plus(Duration.ofDays(400));
        pool.preparedQuery("insert into outbound_message (id, user_ref, kind, to_address, body, state, use_template, "
                        + "attempts, next_attempt_at, claimed_at, twilio_sid, error_code, created_at, sent_at, "
                        + "updated_at) values ($1, $2, $3, $4, 'seeded', $5, $6, 1, $7, $8, $9, $10, $11, $12, $11)")
                .execute(Tuple.from(Arrays.asList(id, userRef, kind, to, state, template, odt(due),
                        odt(due), accepted ? randomSid() : null, error, odt(createdAt),
                        accepted ? odt(createdAt.plusSeconds(1)) : null)))
                .await().indefinitely();
        if (state.equals("queued") || state.equals("sending")) {
            // an unsent message is also in the relay's queue
            pool.preparedQuery("insert into outbound_pending (id, seq, to_address, state, next_attempt_at, "
                            + "claimed_at, created_at) select id, seq, to_address, state, next_attempt_at, claimed_at, "
                            + "created_at from outbound_message where id = $1")
                    .execute(Tuple.of(id)).await().indefinitely();
        }
        return id;
    }

    private void event(UUID messageId, String state, Instant at) {
        pool.preparedQuery("insert into outbound_event (message_id, state, applied, detail, occurred_at) "
                        + "values ($1, $2, true, 'seeded', $3)")
                .execute(Tuple.of(messageId, state, odt(at))).await().indefinitely();
    }

    private AdminStatsRequest statsRequest(String period) {
        return new AdminStatsRequest(envelope(RoutingKeys.Notification.ADMIN_STATS), admin, period);
    }

    private AdminUserRequest userRequest(String subjectRef, String label) {
        return new AdminUserRequest(envelope(RoutingKeys.Notification.ADMIN_USER), admin, subjectRef, label);
    }

    /** The admin's request, written "now" on the service's clock (the admin just wrote: the window is open). */
    private Envelope envelope(String type) {
        return new Envelope(UUID.randomUUID(), randomSid(), TestClock.INSTANCE.instant(), adminRef, type);
    }

    /** The one reply to the admin: stored in the outbox, sent to the simulator; its text. */
    private String sentToAdmin() {
        var row = awaitState(admin, "sent");
        await().atMost(WAIT).until(() -> simulated(admin).size() == 1);
        var body = row.getString("body");
        assertEquals(body, simulated(admin).get(0).get("body"));
        assertEquals("reply", row.getString("kind"));
        assertEquals(adminRef, row.getString("user_ref"));
        return body;
    }

    private List<Map<String, Object>> simulated(String to) {
        JsonPath json = given().queryParam("to", to).get(simulator + "/sandbox/twilio/messages")
                .then().statusCode(200).extract().jsonPath();
        return json.getList("$");
    }
}
