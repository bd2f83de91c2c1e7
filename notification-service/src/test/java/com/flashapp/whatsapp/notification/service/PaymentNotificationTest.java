package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.notification.PreferencesGet;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import com.flashapp.whatsapp.notification.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.form;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Payment events from flash.events become WhatsApp notifications, shaped by the user's preferences. */
@QuarkusTest
class PaymentNotificationTest extends NotificationTestBase {

    static final ZoneId JAMAICA = ZoneId.of("America/Jamaica");

    @Inject
    PaymentNotifier notifier;

    record User(String userRef, String whatsapp, String accountId) {
    }

    @Test
    void aDuplicatedPaymentEventNotifiesOnce() {
        var user = linkedUser();
        var tx = "tx-" + UUID.randomUUID();
        publish(Exchanges.FLASH_EVENTS, received(user, tx, user.userRef(), 1000, "1560.00", "rohan", "lunch",
                "subscription"));
        // the same payment reported again by a Flash webhook, without userRef
        publish(Exchanges.FLASH_EVENTS, received(user, tx, null, 1000, "1560.00", "rohan", "lunch", "webhook"));

        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> requestsTo(user.whatsapp()).size() == 1);
        var body = form(requestsTo(user.whatsapp()).get(0)).get("Body");
        assertEquals("💰 You received 1,000 sats (J$1,560.00) from rohan.\nMemo: lunch", body);
        assertEquals(1, payments(user).size());
    }

    @Test
    void aSentLightningPaymentFromAUsdWalletIsFormattedInDollars() {
        var user = linkedUser();
        var envelope = Envelope.create(RoutingKeys.FlashEvents.PAYMENT_SENT, "flash-" + UUID.randomUUID(),
                user.userRef());
        publish(Exchanges.FLASH_EVENTS, new PaymentSent(envelope, "tx-" + UUID.randomUUID(), user.accountId(),
                "wal-usd", "USD", 1234, new BigDecimal("1930.00"), "JMD", null, null, "subscription",
                Instant.now()));

        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        assertEquals("📤 You sent US$12.34 (J$1,930.00) in a Lightning payment.",
                form(requestsTo(user.whatsapp()).get(0)).get("Body"));
    }

    @Test
    void optingOutStopsNotificationsAtOnceAndIsConfirmed() {
        var user = linkedUser();
        publish(Exchanges.NOTIFICATION_REQUESTS, update(user, false, null, null, null));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        assertTrue(form(requestsTo(user.whatsapp()).get(0)).get("Body").contains("Payment notifications: off"));

        publish(Exchanges.FLASH_EVENTS, received(user, "tx-" + UUID.randomUUID(), user.userRef(), 5000, "7800.00",
                "rohan", null, "subscription"));

        await().atMost(WAIT).until(() -> payments(user).size() == 1);
        assertEquals("suppressed", payments(user).get(0).getString("state"));
        assertEquals("opted_out", payments(user).get(0).getString("reason"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> requestsTo(user.whatsapp()).size() == 1);
    }

    @Test
    void paymentsBelowTheMinimumAreNotNotified() {
        var user = linkedUser();
        publish(Exchanges.NOTIFICATION_REQUESTS, update(user, null, new Amount(new BigDecimal("100"), "JMD"), null,
                null));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        assertTrue(form(requestsTo(user.whatsapp()).get(0)).get("Body").contains("Minimum amount: J$100.00"));

        publish(Exchanges.FLASH_EVENTS, received(user, "tx-small-" + UUID.randomUUID(), user.userRef(), 30, "46.80",
                "rohan", null, "subscription"));
        publish(Exchanges.FLASH_EVENTS, received(user, "tx-big-" + UUID.randomUUID(), user.userRef(), 1000,
                "1560.00", "rohan", null, "subscription"));

        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 2);
        assertTrue(form(requestsTo(user.whatsapp()).get(1)).get("Body").contains("J$1,560.00"));
        var small = payments(user).stream().filter(r -> r.getString("transaction_id").startsWith("tx-small"))
                .findFirst().orElseThrow();
        assertEquals("below_minimum", small.getString("reason"));
    }

    @Test
    void aPaymentDuringQuietHoursIsHeldUntilTheyEnd() {
        var user = linkedUser();
        publish(Exchanges.NOTIFICATION_REQUESTS, update(user, null, null, "22:00-07:00", null));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);

        var lateEvening = lastLocal(LocalTime.of(23, 30));
        TestClock.INSTANCE.set(lateEvening.toInstant());
        publish(Exchanges.FLASH_EVENTS, received(user, "tx-" + UUID.randomUUID(), user.userRef(), 2000, "3120.00",
                "rohan", null, "subscription"));

        await().atMost(WAIT).until(() -> payments(user).size() == 1);
        var held = payments(user).get(0);
        assertEquals("held", held.getString("state"));
        assertEquals(lateEvening.plusDays(1).with(LocalTime.of(7, 0)).toInstant(),
                held.getOffsetDateTime("due_at").toInstant());
        notifier.releaseDue().await().indefinitely();
        assertEquals(1, requestsTo(user.whatsapp()).size(), "nothing before quiet hours end");

        TestClock.INSTANCE.set(lateEvening.plusDays(1).with(LocalTime.of(7, 1)).toInstant());
        notifier.releaseDue().await().indefinitely();

        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 2);
        assertTrue(form(requestsTo(user.whatsapp()).get(1)).get("Body").startsWith("💰 You received 2,000 sats"));
        assertEquals("notified", payments(user).get(0).getString("state"));
    }

    @Test
    void aDailyDigestCoalescesManySmallPaymentsIntoOneMessage() {
        var user = linkedUser();
        publish(Exchanges.NOTIFICATION_REQUESTS, update(user, null, null, null, "daily"));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        assertTrue(form(requestsTo(user.whatsapp()).get(0)).get("Body").contains("Frequency: daily digest"));

        var noon = lastLocal(LocalTime.NOON);
        TestClock.INSTANCE.set(noon.toInstant());
        for (int i = 1; i <= 3; i++) {
            publish(Exchanges.FLASH_EVENTS, received(user, "tx-" + i + "-" + UUID.randomUUID(), user.userRef(),
                    100L * i, null, i == 2 ? null : "friend" + i, null, "subscription"));
        }
        await().atMost(WAIT).until(() -> payments(user).size() == 3
                && payments(user).stream().allMatch(r -> "held".equals(r.getString("state"))));
        notifier.releaseDue().await().indefinitely();
        assertEquals(1, requestsTo(user.whatsapp()).size(), "nothing before the digest is due");

        TestClock.INSTANCE.set(noon.with(LocalTime.of(18, 1)).toInstant());
        notifier.releaseDue().await().indefinitely();

        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> requestsTo(user.whatsapp()).size() == 2);
        var digest = form(requestsTo(user.whatsapp()).get(1)).get("Body");
        assertTrue(digest.startsWith("🧾 3 payments since your last update:"), digest);
        assertTrue(digest.contains("• Received 100 sats from friend1"), digest);
        assertTrue(digest.contains("• Received 200 sats (Lightning)"), digest);
        assertTrue(digest.contains("• Received 300 sats from friend3"), digest);
    }

    @Test
    void unlinkingDropsTheAddressAndWaitingNotifications() {
        var user = linkedUser();
        publish(Exchanges.NOTIFICATION_REQUESTS, update(user, null, null, null, "hourly"));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        publish(Exchanges.FLASH_EVENTS, received(user, "tx-" + UUID.randomUUID(), user.userRef(), 700, null, null,
                null, "subscription"));
        await().atMost(WAIT).until(() -> payments(user).size() == 1);

        publish(Exchanges.FLASH_EVENTS, new AccountUnlinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_UNLINKED,
                "unlink-" + UUID.randomUUID(), user.userRef()), user.accountId(), "user"));

        await().atMost(WAIT).until(() -> "cancelled".equals(payments(user).get(0).getString("state")));
        assertEquals(0L, pool.preparedQuery("select count(*) from account_link where user_ref = $1")
                .execute(Tuple.of(user.userRef())).await().indefinitely().iterator().next().getLong(0));
    }

    @Test
    void anInvalidPreferenceIsExplainedAndNothingChanges() {
        var user = linkedUser();
        publish(Exchanges.NOTIFICATION_REQUESTS, update(user, null, null, "late", null));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        assertTrue(form(requestsTo(user.whatsapp()).get(0)).get("Body").startsWith("⚠️ I couldn't change"));

        publish(Exchanges.NOTIFICATION_REQUESTS, new PreferencesGet(Envelope.create(
                RoutingKeys.Notification.PREFERENCES_GET, "get-" + UUID.randomUUID(), user.userRef()),
                user.whatsapp()));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 2);
        var shown = form(requestsTo(user.whatsapp()).get(1)).get("Body");
        assertTrue(shown.contains("Payment notifications: on"), shown);
        assertTrue(shown.contains("Quiet hours: off"), shown);
        assertTrue(shown.contains("Frequency: right away"), shown);
    }

    @Test
    void aNotificationIsInTheUsersLanguageAndNumberFormatAndTheirZoneIsTheirCountrys() {
        // linked in Spanish from a Spanish number: Spanish words, 1.000 and 1.560,00, Madrid time for quiet hours
        var user = linkedUser("whatsapp:+34611" + String.format("%06d", (int) (Math.random() * 1_000_000)), "es");
        publish(Exchanges.FLASH_EVENTS, received(user, "tx-" + UUID.randomUUID(), user.userRef(), 1000, "1560.00",
                "rohan", "almuerzo", "subscription"));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        assertEquals("💰 Recibiste 1.000 sats (J$1.560,00) de rohan.\nNota: almuerzo",
                form(requestsTo(user.whatsapp()).get(0)).get("Body"));
        assertEquals("Europe/Madrid", zoneOf(user));

        // no locale from the link: the number's country decides (El Salvador: Spanish, its own zone)
        var salvadoran = linkedUser("whatsapp:+503" + String.format("%08d", (int) (Math.random() * 100_000_000)),
                null);
        publish(Exchanges.FLASH_EVENTS, received(salvadoran, "tx-" + UUID.randomUUID(), salvadoran.userRef(), 2500,
                null, null, null, "subscription"));
        await().atMost(WAIT).until(() -> requestsTo(salvadoran.whatsapp()).size() == 1);
        assertEquals("💰 Recibiste 2,500 sats en un pago Lightning.",
                form(requestsTo(salvadoran.whatsapp()).get(0)).get("Body"));
        assertEquals("America/El_Salvador", zoneOf(salvadoran));
    }

    private String zoneOf(User user) {
        return pool.preparedQuery("select time_zone from notification_preferences where user_ref = $1")
                .execute(Tuple.of(user.userRef())).await().indefinitely().iterator().next().getString(0);
    }

    private User linkedUser() {
        return linkedUser(randomWhatsapp(), null);
    }

    private User linkedUser(String whatsapp, String locale) {
        var user = new User(randomUserRef(), whatsapp, "acct-" + UUID.randomUUID());
        // the user said yes to payment notifications before (ConsentTest covers the question itself)
        pool.preparedQuery("insert into notification_consent (user_ref, granted, wording_version, source, "
                + "recorded_at) values ($1, true, 'test', 'command', now())").execute(Tuple.of(user.userRef()))
                .await().indefinitely();
        publish(Exchanges.FLASH_EVENTS, new AccountLinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_LINKED,
                "link-" + UUID.randomUUID(), user.userRef()), user.whatsapp(), user.accountId(), "user-1", "keisha",
                "JMD", List.of("wal-btc-1", "wal-usd-1"), locale));
        await().atMost(WAIT).until(() -> pool.preparedQuery("select count(*) from notification_preferences p "
                        + "join account_link a using (user_ref) where user_ref = $1")
                .execute(Tuple.of(user.userRef())).await().indefinitely().iterator().next().getLong(0) == 1);
        return user;
    }

    private static PaymentReceived received(User user, String tx, String userRef, long sats, String jmd,
                                            String counterparty, String memo, String source) {
        var envelope = Envelope.create(RoutingKeys.FlashEvents.PAYMENT_RECEIVED, "flash-" + tx, userRef);
        return new PaymentReceived(envelope, tx, user.accountId(), "wal-btc-1", "BTC", sats,
                jmd == null ? null : new BigDecimal(jmd), jmd == null ? null : "JMD", counterparty, memo, source,
                Instant.now());
    }

    private static PreferencesUpdate update(User user, Boolean enabled, Amount minimum, String quiet,
                                            String frequency) {
        return new PreferencesUpdate(Envelope.create(RoutingKeys.Notification.PREFERENCES_UPDATE,
                "prefs-" + UUID.randomUUID(), user.userRef()), user.whatsapp(), enabled, minimum, quiet, frequency,
                null);
    }

    private List<Row> payments(User user) {
        var rows = pool.preparedQuery("select * from payment_notification where user_ref = $1 order by created_at")
                .execute(Tuple.of(user.userRef())).await().indefinitely();
        var list = new java.util.ArrayList<Row>();
        rows.forEach(list::add);
        return list;
    }

    /** The latest moment before now (real time) at this local time in Jamaica. */
    private static ZonedDateTime lastLocal(LocalTime time) {
        var now = ZonedDateTime.now(JAMAICA);
        var candidate = now.with(time).withNano(0);
        return candidate.isAfter(now) ? candidate.minusDays(1) : candidate;
    }
}
