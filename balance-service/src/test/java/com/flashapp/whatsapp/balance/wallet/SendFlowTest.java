package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import com.flashapp.whatsapp.balance.support.FlashStubs;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** payment.send with its confirmation card, risk rules, idempotency key, audit and payment.sent event. */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
@WithTestResource(BridgeSocketStub.class)
class SendFlowTest extends WalletFlowTest {


    @Inject
    ContactDirectory directory;

    WalletFixture user;
    String bob;
    String bobWallet;

    @BeforeEach
    void setUp() throws Exception {
        FlashStubs.price("USD");
        user = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
        bob = "bob_" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");
        bobWallet = "wallet-" + bob;
        FlashWireMock.server().stubFor(post(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.operationName", equalTo("AccountDefaultWallet")))
                .withRequestBody(matchingJsonPath("$.variables.username", equalTo(bob)))
                .willReturn(okJson("{\"data\":{\"accountDefaultWallet\":{\"id\":\"" + bobWallet
                        + "\",\"walletCurrency\":\"USD\"}}}")));
        FlashWireMock.server().stubFor(post(urlEqualTo("/graphql")).atPriority(9)
                .withRequestBody(matchingJsonPath("$.operationName", equalTo("AccountDefaultWallet")))
                .willReturn(okJson("{\"errors\":[{\"message\":\"Account does not exist for username\","
                        + "\"extensions\":{\"code\":\"NOT_FOUND\"}}],\"data\":null}")));
        user.stub("IntraLedgerUsdPaymentSend", "{\"intraLedgerUsdPaymentSend\":{\"status\":\"SUCCESS\",\"errors\":[]}}");
        user.transactions(List.of(WalletFixture.tx("flash-tx-" + bob, Instant.now().getEpochSecond(), "SEND", -500,
                "USD", null, bob)), false);
    }

    @Test
    void aKnownRecipientWithinLimitsGetsACardAndYesSendsOnceWithAnAuditRowAndAnEvent() {
        paidBefore(bobWallet);
        var intentId = sendAndExpectCard(new Amount(new BigDecimal("5"), "USD"));
        var card = probe.reply(user.userRef, "Please confirm");
        assertTrue(card.body().contains("@" + bob) && card.body().contains("$5.00"), card.body());
        assertTrue(card.body().contains("Reply YES within 2 minutes"), card.body());

        answer(intentId, "YES");
        var sent = probe.reply(user.userRef, "✅ Sent $5.00 to @" + bob);
        assertEquals("history", sent.quickReplies().get(0).payload(), "a completed send: history next");
        var calls = user.calls("IntraLedgerUsdPaymentSend");
        assertEquals(1, calls.size());
        var input = new JsonObject(calls.get(0).getBodyAsString()).getJsonObject("variables").getJsonObject("input");
        assertEquals(500, input.getInteger("amount"));
        assertEquals(bobWallet, input.getString("recipientWalletId"));
        assertEquals(user.usdWallet, input.getString("walletId"));
        assertEquals(intentId, input.getString("idempotencyKey"));

        var event = probe.await(PaymentSent.class, user.userRef, e -> true);
        assertEquals("flash-tx-" + bob, event.transactionId());
        assertEquals(500, event.amountMinor());
        assertEquals(bob, event.counterparty());
        assertEquals(1, count("select count(*) from payment_audit where intent_id = $1 and decision = 'SENT' "
                + "and flash_transaction_id = $2", UUID.fromString(intentId), "flash-tx-" + bob));

        // YES again (a redelivery, or the user tapping twice): nothing is paid again
        answer(intentId, "YES");
        probe.reply(user.userRef, "already sent");
        assertEquals(1, user.calls("IntraLedgerUsdPaymentSend").size());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> probe.all(PaymentSent.class, user.userRef).size() == 1);
    }

    @Test
    void anUnknownOutcomeIsRetriedWithTheSameIdempotencyKeyAndPaysOnce() {
        paidBefore(bobWallet);
        var failing = FlashWireMock.server().stubFor(user.operation("IntraLedgerUsdPaymentSend").atPriority(1)
                .willReturn(WireMock.aResponse().withStatus(502).withBody("bad gateway")));
        var intentId = sendAndExpectCard(new Amount(new BigDecimal("5"), "USD"));
        answer(intentId, "YES");
        probe.reply(user.userRef, "can't tell yet");
        FlashWireMock.server().removeStub(failing);

        answer(intentId, "YES");
        probe.reply(user.userRef, "✅ Sent");
        answer(intentId, "YES");
        probe.reply(user.userRef, "already sent");
        var keys = user.calls("IntraLedgerUsdPaymentSend").stream()
                .map(r -> new JsonObject(r.getBodyAsString()).getJsonObject("variables").getJsonObject("input")
                        .getString("idempotencyKey")).distinct().toList();
        assertEquals(List.of(intentId), keys, "every attempt carries the same idempotency key");
        assertEquals(1, count("select count(*) from payment_intent where id = $1 and status = 'SENT'",
                UUID.fromString(intentId), null));
    }

    @Test
    void aNewRecipientOrAnAmountAboveTheThresholdAsksForAFreshCodeFirst() {
        handle(send(new Amount(new BigDecimal("5"), "USD"), new Recipient(Recipient.Kind.USERNAME, "@" + bob)));
        var code = probe.await(ConversationExpectation.class, user.userRef, e -> true);
        assertEquals(RoutingKeys.Expect.CODE, code.routingKey());
        assertTrue(code.context().startsWith("mfa:"));
        assertEquals("SEND_MONEY:STEP_UP:new_recipient", lastAudit());

        paidBefore(bobWallet);
        probe.clear();
        handle(send(new Amount(new BigDecimal("60"), "USD"), new Recipient(Recipient.Kind.USERNAME, bob)));
        probe.await(ConversationExpectation.class, user.userRef, e -> e.context().startsWith("mfa:"));
        assertTrue(lastAudit().startsWith("SEND_MONEY:STEP_UP:amount_at_or_over_"), lastAudit());
        assertTrue(user.calls("IntraLedgerUsdPaymentSend").isEmpty());
    }

    @Test
    void noDeclinesAndALateYesFindsTheConfirmationExpired() {
        paidBefore(bobWallet);
        var declined = sendAndExpectCard(new Amount(new BigDecimal("3"), "USD"));
        answer(declined, "NO");
        probe.reply(user.userRef, "cancelled. Nothing was sent");

        var late = sendAndExpectCard(new Amount(new BigDecimal("4"), "USD"));
        pool.preparedQuery("update payment_intent set expires_at = now() - interval '1 second' where id = $1")
                .execute(Tuple.of(UUID.fromString(late))).await().atMost(WAIT);
        answer(late, "YES");
        probe.reply(user.userRef, "confirmation expired");
        assertTrue(user.calls("IntraLedgerUsdPaymentSend").isEmpty());
        assertEquals(1, count("select count(*) from payment_audit where intent_id = $1 and decision = 'DECLINED'",
                UUID.fromString(declined), null));
        assertEquals(1, count("select count(*) from payment_audit where intent_id = $1 and decision = 'EXPIRED'",
                UUID.fromString(late), null));
    }

    @Test
    void clearAnswersForInsufficientBalanceUnknownUsernameSelfPaymentAndLimits() {
        paidBefore(bobWallet);
        user.stub("IntraLedgerUsdPaymentSend", "{\"intraLedgerUsdPaymentSend\":{\"status\":\"FAILURE\",\"errors\":"
                + "[{\"message\":\"Payment amount '500' exceeds balance '20'\",\"code\":\"INSUFFICIENT_BALANCE\"}]}}");
        var poor = sendAndExpectCard(new Amount(new BigDecimal("5"), "USD"));
        answer(poor, "YES");
        probe.reply(user.userRef, "Not enough money");
        assertEquals(1, count("select count(*) from payment_intent where id = $1 and status = 'FAILED'",
                UUID.fromString(poor), null));

        handle(send(new Amount(new BigDecimal("5"), "USD"), new Recipient(Recipient.Kind.USERNAME, "nobody_here_x1")));
        probe.reply(user.userRef, "couldn't find a Flash user @nobody_here_x1");
        handle(send(new Amount(new BigDecimal("5"), "USD"), new Recipient(Recipient.Kind.USERNAME, user.username)));
        probe.reply(user.userRef, "can't send money to yourself");
        handle(send(new Amount(new BigDecimal("600"), "USD"), new Recipient(Recipient.Kind.USERNAME, bob)));
        probe.reply(user.userRef, "above the limit");
    }

    @Test
    void beforeTheSendersCodeIsVerifiedEveryPhoneNumberGetsTheSameAnswer() {
        var carol = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
        directory.remember(carol.userRef, carol.whatsapp).await().atMost(WAIT);
        var carolPhone = carol.whatsapp.substring("whatsapp:".length());
        var nobody = "+1876555" + String.format("%04d", (int) (Math.random() * 10_000));
        // the sender's last code was two days ago: no verified session
        pool.preparedQuery("update flash_link set verified_at = now() - interval '2 days', "
                + "last_activity_at = now() - interval '2 days' where user_ref = $1")
                .execute(Tuple.of(user.userRef)).await().atMost(WAIT);

        handle(send(new Amount(new BigDecimal("1"), "USD"), new Recipient(Recipient.Kind.PHONE, carolPhone)));
        var toFlashUser = probe.replies(user.userRef, 1).get(0);
        handle(send(new Amount(new BigDecimal("1"), "USD"), new Recipient(Recipient.Kind.PHONE, nobody)));
        var toNobody = probe.replies(user.userRef, 2).get(1);

        assertEquals(toFlashUser.body(), toNobody.body(), "a number with Flash and one without get the same answer");
        assertTrue(toNobody.body().contains("confirm it's you"), toNobody.body());
        var codes = probe.all(ConversationExpectation.class, user.userRef);
        assertEquals(2, codes.size());
        assertTrue(codes.stream().allMatch(e -> RoutingKeys.Expect.CODE.equals(e.routingKey())
                && e.context().startsWith("mfa:")));
        assertTrue(lastAudit().startsWith("FIND_BY_PHONE:STEP_UP:session_"), lastAudit());

        // once the sender's code is verified the lookup may answer
        pool.preparedQuery("update flash_link set verified_at = now(), last_activity_at = now() where user_ref = $1")
                .execute(Tuple.of(user.userRef)).await().atMost(WAIT);
        // (a number nobody linked is an invite now, InviteTest: past the lookup, the payment's own rules ask for a
        // code for a new recipient)
        handle(send(new Amount(new BigDecimal("1"), "USD"), new Recipient(Recipient.Kind.PHONE, nobody)));
        probe.replies(user.userRef, 3);
        assertEquals("SEND_MONEY:STEP_UP:new_recipient", lastAudit());
    }

    @Test
    void anInvoiceWithoutAnAmountNeedsOneAndIsPaidWithItFromTheMatchingWallet() {
        var invoice = "lnbc1p" + "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(3);
        var to = new Recipient(Recipient.Kind.LIGHTNING_INVOICE, invoice);
        paidBefore(invoice);
        user.stub("LnNoAmountInvoicePaymentSend", "{\"lnNoAmountInvoicePaymentSend\":{\"status\":\"SUCCESS\","
                + "\"errors\":[]}}");
        user.stub("LnNoAmountUsdInvoicePaymentSend", "{\"lnNoAmountUsdInvoicePaymentSend\":{\"status\":\"SUCCESS\","
                + "\"errors\":[]}}");
        user.stub("LnNoAmountInvoiceFeeProbe", "{\"lnNoAmountInvoiceFeeProbe\":{\"amount\":3,\"errors\":[]}}");

        handle(send(null, to));
        var how = probe.reply(user.userRef, "This invoice has no amount");
        assertTrue(how.body().contains("`pay <invoice> 5`") && how.body().contains("`pay <invoice> 1000 sats`"),
                how.body());
        assertTrue(probe.all(ConversationExpectation.class, user.userRef).isEmpty(), "no card without an amount");

        // (the stubbed price makes a sat worth about 16 US cents: 100 sats stay under the MFA amount threshold)
        var satsIntent = sendAndExpectCard(new Amount(new BigDecimal("100"), "SATS"), to);
        var card = probe.reply(user.userRef, "Please confirm");
        // the fee Flash quotes for this invoice and amount, in sats and dollars (the stubbed probe says 3 sats)
        assertTrue(card.body().contains("100 sats") && card.body().contains("Fee: 3 sats (≈ $"), card.body());
        var probed = user.calls("LnNoAmountInvoiceFeeProbe");
        assertEquals(1, probed.size());
        var probeInput = new JsonObject(probed.get(0).getBodyAsString()).getJsonObject("variables")
                .getJsonObject("input");
        assertEquals(100, probeInput.getInteger("amount"));
        assertEquals(user.btcWallet, probeInput.getString("walletId"));
        assertEquals(invoice, probeInput.getString("paymentRequest"));
        assertEquals(1, count("select count(*) from payment_audit where intent_id = $1 and fee_minor = 3 "
                + "and fee_unit = 'SATS'", UUID.fromString(satsIntent), null), "the quoted fee is audited");
        answer(satsIntent, "YES");
        probe.reply(user.userRef, "✅ Sent 100 sats");
        var sats = user.calls("LnNoAmountInvoicePaymentSend");
        assertEquals(1, sats.size());
        var satsInput = new JsonObject(sats.get(0).getBodyAsString()).getJsonObject("variables").getJsonObject("input");
        assertEquals(100, satsInput.getInteger("amount"));
        assertEquals(user.btcWallet, satsInput.getString("walletId"));
        assertEquals(invoice, satsInput.getString("paymentRequest"));
        assertEquals(satsIntent, satsInput.getString("idempotencyKey"));

        var usdIntent = sendAndExpectCard(new Amount(new BigDecimal("2"), "USD"), to);
        answer(usdIntent, "YES");
        probe.reply(user.userRef, "✅ Sent $2.00");
        var usd = user.calls("LnNoAmountUsdInvoicePaymentSend");
        assertEquals(1, usd.size());
        var usdInput = new JsonObject(usd.get(0).getBodyAsString()).getJsonObject("variables").getJsonObject("input");
        assertEquals(200, usdInput.getInteger("amount"), "cents");
        assertEquals(user.usdWallet, usdInput.getString("walletId"));
        assertTrue(!usdInput.containsKey("idempotencyKey"), "Flash's USD input has no idempotency key");
        assertEquals(1, count("select count(*) from payment_attempt where intent_id = $1", UUID.fromString(usdIntent),
                null), "the attempt is recorded before the call");
        assertEquals(1, count("select count(*) from payment_intent where id = $1 and status = 'SENT'",
                UUID.fromString(usdIntent), null));
    }

    @Test
    void aNoAmountUsdPaymentWithAnUnknownOutcomeIsNeverSentAgain() {
        var invoice = "lnbc1p" + "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(2) + "x".repeat(20);
        var to = new Recipient(Recipient.Kind.LIGHTNING_INVOICE, invoice);
        paidBefore(invoice);
        var failing = FlashWireMock.server().stubFor(user.operation("LnNoAmountUsdInvoicePaymentSend").atPriority(1)
                .willReturn(WireMock.aResponse().withStatus(502).withBody("bad gateway")));
        var intentId = sendAndExpectCard(new Amount(new BigDecimal("3"), "USD"), to);
        answer(intentId, "YES");
        var unknown = probe.reply(user.userRef, "I won't try it again");
        assertEquals("history", unknown.quickReplies().get(0).payload());
        assertEquals(1, probe.all(ConversationExpectation.class, user.userRef).size(), "no YES to retry is offered");
        FlashWireMock.server().removeStub(failing);
        user.stub("LnNoAmountUsdInvoicePaymentSend", "{\"lnNoAmountUsdInvoicePaymentSend\":{\"status\":\"SUCCESS\","
                + "\"errors\":[]}}");

        // a late YES (or a redelivered answer) finds the attempt row and does not call Flash again
        answer(intentId, "YES");
        probe.reply(user.userRef, "I already handed this payment to Flash once");
        assertEquals(1, user.calls("LnNoAmountUsdInvoicePaymentSend").size(), "Flash was called exactly once");
        assertEquals(1, count("select count(*) from payment_audit where intent_id = $1 and decision = $2",
                UUID.fromString(intentId), "OUTCOME_UNKNOWN"));
    }

    // ------------------------------------------------------------------ helpers

    private String sendAndExpectCard(Amount amount) {
        return sendAndExpectCard(amount, new Recipient(Recipient.Kind.USERNAME, "@" + bob));
    }

    private String sendAndExpectCard(Amount amount, Recipient to) {
        var before = probe.all(ConversationExpectation.class, user.userRef).size();
        handle(send(amount, to));
        await().atMost(WAIT).until(() -> probe.all(ConversationExpectation.class, user.userRef).size() > before);
        var expectation = probe.all(ConversationExpectation.class, user.userRef).get(before);
        assertEquals(RoutingKeys.Expect.CONFIRMATION, expectation.routingKey(), expectation.context());
        assertTrue(expectation.context().startsWith("send:"));
        return expectation.context().substring("send:".length());
    }

    private PaymentSendRequest send(Amount amount, Recipient to) {
        return new PaymentSendRequest(user.envelope(RoutingKeys.Wallet.PAYMENT_SEND), user.whatsapp, amount, to, null);
    }

    private void answer(String intentId, String text) {
        handle(new ConfirmationAnswer(user.envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), user.whatsapp, intentId,
                RoutingKeys.Expect.CONFIRMATION, text, "send:" + intentId));
    }

    /** The user has paid this wallet before (so it is not a new recipient). */
    private void paidBefore(String walletId) {
        pool.preparedQuery("insert into payment_intent (id, user_ref, status, kind, wallet_id, wallet_currency, "
                        + "recipient_kind, recipient_label, recipient_key, amount_minor, usd_cents, created_at, expires_at) "
                        + "values ($1, $2, 'SENT', 'INTRA_USD', $3, 'USD', 'USERNAME', '@old', $4, 1, 1, "
                        + "now() - interval '2 days', now() - interval '2 days')")
                .execute(Tuple.of(UUID.randomUUID(), user.userRef, user.usdWallet, walletId)).await().atMost(WAIT);
    }

    private String lastAudit() {
        return pool.preparedQuery("select operation, decision, reason from mfa_audit where user_ref = $1 "
                        + "order by id desc limit 1").execute(Tuple.of(user.userRef))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return row.getString("operation") + ":" + row.getString("decision") + ":" + row.getString("reason");
                }).await().atMost(WAIT);
    }

    private long count(String sql, UUID id, String second) {
        var tuple = second == null ? Tuple.of(id) : Tuple.of(id, second);
        return pool.preparedQuery(sql).execute(tuple).map(rows -> rows.iterator().next().getLong(0))
                .await().atMost(WAIT);
    }

}
