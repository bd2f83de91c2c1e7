package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.notification.support.NotificationTestBase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static com.flashapp.whatsapp.notification.support.WireMockTwilio.form;
import static com.flashapp.whatsapp.notification.support.WireMockTwilio.requestsTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opt-in to payment notifications: asked once after linking, off without an answer, recorded with its time and the
 * wording's version, changed by {@code notifications on/off}, erased by "delete my data".
 */
@QuarkusTest
class ConsentTest extends NotificationTestBase {

    record User(String userRef, String whatsapp, String accountId) {
    }

    private final List<BrokerTap> taps = new ArrayList<>();

    @Test
    void linkingAsksOnceAndWithoutAnAnswerNoPaymentIsNotified() {
        var expectations = expectationQueue();
        var user = user();
        var link = linked(user);
        publish(Exchanges.FLASH_EVENTS, link);

        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 1);
        var question = form(requestsTo(user.whatsapp()).get(0));
        assertTrue(question.get("Body").contains("payment notifications"), question.get("Body"));
        var expectation = awaitExpectation(expectations, user);
        assertEquals(RoutingKeys.Expect.CONFIRMATION, expectation.envelope().type());
        assertEquals(Exchanges.NOTIFICATION_REQUESTS, expectation.ownerExchange());
        assertEquals(ConsentService.CONTEXT + "2026-12-v1", expectation.context());
        assertTrue(expectation.expiresAt().isAfter(Instant.now()));

        // no answer: a payment is not notified
        publish(Exchanges.FLASH_EVENTS, received(user));
        await().atMost(WAIT).until(() -> paymentState(user) != null);
        assertEquals("suppressed", paymentState(user));

        // "no" is recorded and confirmed; linked again later, a user who answered is not asked a second time
        publish(Exchanges.NOTIFICATION_REQUESTS, answer(user, expectation, "no"));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 2);
        assertTrue(form(requestsTo(user.whatsapp()).get(1)).get("Body").startsWith("OK, no payment notifications"));
        publish(Exchanges.FLASH_EVENTS, linked(user));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> requestsTo(user.whatsapp()).size() == 2);
        var choices = consents(user);
        assertEquals(1, choices.size());
        assertFalse(choices.get(0).getBoolean("granted"));
    }

    @Test
    void yesIsRecordedWithItsWordingAndTurnsNotificationsOnAndOffWithdrawsIt() {
        var expectations = expectationQueue();
        var user = user();
        publish(Exchanges.FLASH_EVENTS, linked(user));
        var expectation = awaitExpectation(expectations, user);

        publish(Exchanges.NOTIFICATION_REQUESTS, answer(user, expectation, "Yes"));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 2);
        assertTrue(form(requestsTo(user.whatsapp()).get(1)).get("Body").startsWith("🔔 Payment notifications are on"));
        var granted = consents(user);
        assertEquals(1, granted.size());
        assertTrue(granted.get(0).getBoolean("granted"));
        assertEquals("2026-12-v1", granted.get(0).getString("wording_version"));
        assertEquals("link-question", granted.get(0).getString("source"));

        publish(Exchanges.FLASH_EVENTS, received(user));
        await().atMost(WAIT).until(() -> requestsTo(user.whatsapp()).size() == 3);
        assertTrue(form(requestsTo(user.whatsapp()).get(2)).get("Body").startsWith("💰 You received"));

        // notifications off: recorded as a withdrawal, from the command
        publish(Exchanges.NOTIFICATION_REQUESTS, new PreferencesUpdate(Envelope.create(
                RoutingKeys.Notification.PREFERENCES_UPDATE, "prefs-" + UUID.randomUUID(), user.userRef()),
                user.whatsapp(), false, null, null, null, null));
        await().atMost(WAIT).until(() -> consents(user).size() == 2);
        var withdrawn = consents(user).get(1);
        assertFalse(withdrawn.getBoolean("granted"));
        assertEquals("command", withdrawn.getString("source"));
        assertEquals("2026-12-v1", withdrawn.getString("wording_version"));
    }

    @Test
    void deleteMyDataErasesTheConsentRecords() {
        var expectations = expectationQueue();
        var user = user();
        publish(Exchanges.FLASH_EVENTS, linked(user));
        publish(Exchanges.NOTIFICATION_REQUESTS, answer(user, awaitExpectation(expectations, user), "yes"));
        await().atMost(WAIT).until(() -> consents(user).size() == 1);

        publish(Exchanges.USER_LIFECYCLE, new UserErasureRequested(Envelope.create(
                RoutingKeys.User.ERASURE_REQUESTED, "erase-" + UUID.randomUUID(), user.userRef()), user.whatsapp()));
        await().atMost(WAIT).until(() -> consents(user).isEmpty());
    }

    private BrokerTap expectationQueue() {
        var tap = BrokerTap.on(Exchanges.CONVERSATION_EXPECT);
        taps.add(tap);
        return tap;
    }

    private static ConversationExpectation awaitExpectation(BrokerTap tap, User user) {
        return tap.take(ConversationExpectation.class, m -> user.userRef().equals(m.envelope().userRef()), WAIT);
    }

    @AfterEach
    void closeTaps() {
        taps.forEach(BrokerTap::close);
        taps.clear();
    }

    private static User user() {
        return new User(randomUserRef(), randomWhatsapp(), "acct-" + UUID.randomUUID());
    }

    private static AccountLinked linked(User user) {
        return new AccountLinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_LINKED, "link-" + UUID.randomUUID(),
                user.userRef()), user.whatsapp(), user.accountId(), "user-1", "keisha", "JMD", List.of("wal-btc-1"));
    }

    private static ConfirmationAnswer answer(User user, ConversationExpectation expectation, String text) {
        return new ConfirmationAnswer(Envelope.create(RoutingKeys.Notification.CONFIRMATION_ANSWER,
                "SM" + UUID.randomUUID(), user.userRef()), user.whatsapp(), expectation.expectationId(),
                RoutingKeys.Expect.CONFIRMATION, text, expectation.context());
    }

    private static PaymentReceived received(User user) {
        var tx = "tx-" + UUID.randomUUID();
        return new PaymentReceived(Envelope.create(RoutingKeys.FlashEvents.PAYMENT_RECEIVED, "flash-" + tx,
                user.userRef()), tx, user.accountId(), "wal-btc-1", "BTC", 1000, new BigDecimal("1560.00"), "JMD",
                "rohan", null, "subscription", Instant.now());
    }

    private String paymentState(User user) {
        var rows = pool.preparedQuery("select state from payment_notification where user_ref = $1")
                .execute(Tuple.of(user.userRef())).await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next().getString(0);
    }

    private List<Row> consents(User user) {
        var rows = pool.preparedQuery("select * from notification_consent where user_ref = $1 order by id")
                .execute(Tuple.of(user.userRef())).await().indefinitely();
        var list = new ArrayList<Row>();
        rows.forEach(list::add);
        return list;
    }
}
