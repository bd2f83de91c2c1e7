package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import com.flashapp.whatsapp.balance.invite.InviteService;
import com.flashapp.whatsapp.balance.service.ErasureService;
import com.flashapp.whatsapp.balance.service.Housekeeping;
import com.flashapp.whatsapp.balance.service.Phones;
import com.flashapp.whatsapp.balance.support.FlashStubs;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.InviteCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invite payments (issue 22): "send 5 to +1876…" for a number nobody linked → the code step-up, the invite card and
 * YES → one template message to the number; when the number links the invite is paid once (the same event again
 * pays nothing), both sides are told; not enough money keeps it open; pending, cancel, expiry, caps, erasure.
 */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
@WithTestResource(BridgeSocketStub.class)
class InviteTest extends WalletFlowTest {


    @Inject
    ContactDirectory directory;
    @Inject
    InviteService invites;
    @Inject
    Housekeeping housekeeping;
    @Inject
    ErasureService erasure;

    WalletFixture alice;
    /** A Flash user whose number nobody linked here yet: the directory does not know it until their link event. */
    WalletFixture dave;
    String daveWallet;

    @BeforeEach
    void setUp() throws Exception {
        FlashStubs.price("USD");
        alice = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
        dave = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(60));
        daveWallet = "wallet-" + dave.username;
        FlashWireMock.server().stubFor(post(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.operationName", equalTo("AccountDefaultWallet")))
                .withRequestBody(matchingJsonPath("$.variables.username", equalTo(dave.username)))
                .willReturn(okJson("{\"data\":{\"accountDefaultWallet\":{\"id\":\"" + daveWallet
                        + "\",\"walletCurrency\":\"USD\"}}}")));
        paysOk();
        alice.transactions(List.of(WalletFixture.tx("flash-tx-" + dave.username, Instant.now().getEpochSecond(),
                "SEND", -500, "USD", null, dave.username)), false);
    }

    @Test
    void anInviteAfterTheCodeAndYesMessagesTheNumberOnceAndIsPaidOnceWhenItLinks() {
        var phone = dave.flash.phone;
        handle(send(alice, "5", phone));
        // a new recipient: the usual code first, then the card for the kept request
        var code = probe.await(ConversationExpectation.class, alice.userRef, e -> e.context().startsWith("mfa:"));
        handle(new ConfirmationAnswer(alice.envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), alice.whatsapp,
                code.expectationId(), "code", alice.flash.code, code.context()));
        var card = probe.reply(alice.userRef, "Please confirm this invite");
        assertTrue(card.body().contains("To: " + Phones.mask(phone) + " (not on Flash yet)"), card.body());
        assertTrue(card.body().contains("$5.00 (≈ ") && card.body().contains(" sats)"), "both units: " + card.body());
        assertTrue(card.body().contains("The money stays in your wallet") && card.body().contains("within 7 days"),
                card.body());
        var id = probe.await(ConversationExpectation.class, alice.userRef, e -> e.context().startsWith("invite:"))
                .context().substring("invite:".length());

        var row = invite(id);
        assertEquals("ASKED", row.getString("status"));
        assertEquals(directory.hash(phone), row.getString("phone_hash"), "the number only as a keyed hash");
        assertFalse(row.getString("ciphertext").contains(phone.substring(1)), "and encrypted");
        assertTrue(probe.all(OutboundMessage.class, recipientRef(phone)).isEmpty(), "nobody is messaged before YES");

        answer(alice, id, "YES");
        var opened = probe.reply(alice.userRef, "📨 Invite #1 sent to " + Phones.mask(phone) + " for $5.00");
        assertEquals("pending", opened.quickReplies().get(0).payload());
        var template = probe.await(OutboundMessage.class, recipientRef(phone), m -> true);
        assertEquals(RoutingKeys.Outbound.TEMPLATE, template.envelope().type());
        assertEquals(dave.whatsapp, template.to());
        assertEquals("payment_invite", template.templateKey());
        assertEquals(Map.of("1", "@" + alice.username, "2", "$5.00"), template.templateVariables());
        assertTrue(alice.calls("IntraLedgerUsdPaymentSend").isEmpty(), "nothing is paid before the number links");

        handle(new InviteCommand(alice.envelope(RoutingKeys.Wallet.INVITE_MANAGE), alice.whatsapp,
                InviteCommand.Action.LIST, null));
        var pending = probe.reply(alice.userRef, "Your open invites");
        assertTrue(pending.body().contains("#1 " + Phones.mask(phone) + ": $5.00, until "), pending.body());

        assertNull(directory.byPhone(phone).await().atMost(WAIT), "dave's number is unknown before his link event");
        var linked = linked(dave);
        handle(linked);
        var paid = probe.reply(alice.userRef, "✅ " + Phones.mask(phone) + " joined Flash, so I sent them $5.00 "
                + "(invite #1)");
        // days after alice wrote: outside her window notification-service sends the approved template instead
        assertEquals(RoutingKeys.Outbound.NOTIFICATION, paid.envelope().type());
        assertEquals("invite_paid", paid.templateKey());
        assertEquals(Map.of("1", Phones.mask(phone), "2", "$5.00", "3", "1"), paid.templateVariables());
        // and the link taught the directory his number: the next "send to +1876…" is an ordinary payment to him
        assertEquals(dave.userRef, directory.byPhone(phone).await().atMost(WAIT).userRef());
        probe.reply(dave.userRef, "💸 @" + alice.username + " sent you $5.00");
        var calls = alice.calls("IntraLedgerUsdPaymentSend");
        assertEquals(1, calls.size());
        var input = new JsonObject(calls.get(0).getBodyAsString()).getJsonObject("variables").getJsonObject("input");
        assertEquals(500, input.getInteger("amount"));
        assertEquals(daveWallet, input.getString("recipientWalletId"));
        assertEquals(alice.usdWallet, input.getString("walletId"));
        var key = UUID.fromString(input.getString("idempotencyKey"));
        assertEquals(1, count("select count(*) from payment_intent where id = $1 and status = 'SENT' "
                + "and recipient_label = $2", key, Phones.mask(phone)));
        var event = probe.await(PaymentSent.class, alice.userRef, e -> true);
        assertEquals("flash-tx-" + dave.username, event.transactionId());
        row = invite(id);
        assertEquals("PAID", row.getString("status"));
        assertNull(row.getString("ciphertext"), "a closed invite keeps no address");

        // the same event again (a redelivery past the inbox) and a later link of the same number: nothing more
        handle(linked);
        handle(linked(dave));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> probe.all(OutboundMessage.class, dave.userRef).size() == 1);
        assertEquals(1, alice.calls("IntraLedgerUsdPaymentSend").size(), "paid exactly once");
        assertEquals(1, probe.all(PaymentSent.class, alice.userRef).size());
        assertEquals(1, probe.all(OutboundMessage.class, recipientRef(phone)).size(), "one message to the number");
    }

    @Test
    void twoInvitesToOneNumberSendOneMessageAndAreBothPaidWithTheirOwnKeys() {
        var phone = dave.flash.phone;
        var first = inviteConfirmed(alice, "3", phone);
        probe.reply(alice.userRef, "📨 Invite #1");
        var second = inviteConfirmed(alice, "4", phone);
        probe.reply(alice.userRef, "📨 Invite #2");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> probe.all(OutboundMessage.class, recipientRef(phone)).size() == 1);

        handle(linked(dave));
        probe.reply(alice.userRef, "sent them $3.00 (invite #1)");
        probe.reply(alice.userRef, "sent them $4.00 (invite #2)");
        var keys = alice.calls("IntraLedgerUsdPaymentSend").stream()
                .map(r -> new JsonObject(r.getBodyAsString()).getJsonObject("variables").getJsonObject("input")
                        .getString("idempotencyKey")).toList();
        assertEquals(2, keys.size());
        assertEquals(2, keys.stream().distinct().count(), "each invite has its own key");
        assertEquals("PAID", invite(first).getString("status"));
        assertEquals("PAID", invite(second).getString("status"));
    }

    @Test
    void notEnoughMoneyWhenTheNumberLinksTellsTheSenderAndKeepsTheInviteOpen() {
        var phone = dave.flash.phone;
        var id = inviteConfirmed(alice, "5", phone);
        var poor = FlashWireMock.server().stubFor(alice.operation("IntraLedgerUsdPaymentSend").atPriority(1)
                .willReturn(okJson("{\"data\":{\"intraLedgerUsdPaymentSend\":{\"status\":\"FAILURE\",\"errors\":"
                        + "[{\"message\":\"Payment amount '500' exceeds balance '20'\",\"code\":"
                        + "\"INSUFFICIENT_BALANCE\"}]}}}")));

        handle(linked(dave));
        var told = probe.reply(alice.userRef, "joined Flash, but your Cash wallet doesn't have $5.00");
        assertTrue(told.body().contains("The invite stays open until"), told.body());
        assertEquals("invite_unpaid", told.templateKey());
        assertEquals(Phones.mask(phone), told.templateVariables().get("1"));
        assertEquals("your Cash wallet doesn't have $5.00", told.templateVariables().get("2"));
        assertTrue(told.body().contains("until " + told.templateVariables().get("4") + ";"), told.body());
        var row = invite(id);
        assertEquals("OPEN", row.getString("status"));
        assertEquals(1, row.getInteger("attempt"));
        assertTrue(probe.all(OutboundMessage.class, dave.userRef).isEmpty(), "the recipient is told nothing");
        var refusedKey = key(alice.calls("IntraLedgerUsdPaymentSend").get(0));
        assertEquals(1, count("select count(*) from payment_intent where id = $1 and status = 'FAILED'",
                UUID.fromString(refusedKey), null));

        // topped up, the number links again: paid now, under a new key (Flash may remember the refused one)
        FlashWireMock.server().removeStub(poor);
        handle(linked(dave));
        probe.reply(alice.userRef, "sent them $5.00 (invite #1)");
        var calls = alice.calls("IntraLedgerUsdPaymentSend");
        assertEquals(2, calls.size());
        assertFalse(refusedKey.equals(key(calls.get(1))));
        assertEquals("PAID", invite(id).getString("status"));
    }

    @Test
    void noCancelAndExpiryPayNothingAndTheSenderIsToldWhenOneExpires() {
        var phone = dave.flash.phone;
        var declined = inviteCard(alice, "2", phone);
        answer(alice, declined, "NO");
        probe.reply(alice.userRef, "OK, no invite. Nothing was sent.");
        assertEquals("DECLINED", invite(declined).getString("status"));

        var cancelled = inviteConfirmed(alice, "3", phone);
        probe.reply(alice.userRef, "📨 Invite #2");
        handle(new InviteCommand(alice.envelope(RoutingKeys.Wallet.INVITE_MANAGE), alice.whatsapp,
                InviteCommand.Action.CANCEL, 9));
        probe.reply(alice.userRef, "You have no open invite #9");
        handle(new InviteCommand(alice.envelope(RoutingKeys.Wallet.INVITE_MANAGE), alice.whatsapp,
                InviteCommand.Action.CANCEL, 2));
        probe.reply(alice.userRef, "OK, invite #2 to " + Phones.mask(phone) + " is cancelled. Nothing was sent.");
        assertEquals("CANCELLED", invite(cancelled).getString("status"));
        assertNull(invite(cancelled).getString("ciphertext"));

        var expiring = inviteConfirmed(alice, "4", phone);
        probe.reply(alice.userRef, "📨 Invite #3");
        // the clock moved on: seven days and a minute later
        var expired = invites.expire(Instant.now().plus(Duration.ofDays(7)).plusSeconds(60)).await().atMost(WAIT);
        assertTrue(expired >= 1, "at least this one expired");
        var told = probe.reply(alice.userRef, "⌛ Your invite #3 to " + Phones.mask(phone) + " for $4.00 expired");
        assertTrue(told.body().contains("Nothing was sent"), told.body());
        assertEquals("invite_expired", told.templateKey());
        assertEquals(Map.of("1", "3", "2", Phones.mask(phone), "3", "$4.00", "4", "7 days"),
                told.templateVariables());
        assertEquals("EXPIRED", invite(expiring).getString("status"));
        invites.expire(Instant.now().plus(Duration.ofDays(8))).await().atMost(WAIT);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> probe.all(
                OutboundMessage.class, alice.userRef).stream().filter(m -> m.body().contains("⌛ Your invite #3"))
                .count() == 1);

        handle(new InviteCommand(alice.envelope(RoutingKeys.Wallet.INVITE_MANAGE), alice.whatsapp,
                InviteCommand.Action.LIST, null));
        probe.reply(alice.userRef, "You have no open invites");
        handle(linked(dave));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
                .until(() -> probe.all(OutboundMessage.class, dave.userRef).isEmpty());
        assertTrue(alice.calls("IntraLedgerUsdPaymentSend").isEmpty(), "nothing paid for a closed invite");

        // closed invites live as long as payment rows (90 days after the last closed, at the moved clock's 7 days)
        // and the notice a lifetime: then the number may be sent an invite message again
        housekeeping.sweep(Instant.now().plus(Duration.ofDays(7 + 90 + 1))).await().atMost(WAIT);
        assertEquals(0, count("select count(*) from payment_invite where user_ref = $1", null, alice.userRef));
        assertEquals(0, count("select count(*) from invite_notice where phone_hash = $1", null,
                directory.hash(phone)));
    }

    @Test
    void invitesAreCappedEachAndInTotalPerSenderAndErasedWithTheSender() {
        var phone = dave.flash.phone;
        giveCodeIfAsked(alice, send(alice, "150", phone));
        probe.reply(alice.userRef, "can be at most $100.00");
        inviteConfirmed(alice, "90", phone);
        probe.reply(alice.userRef, "📨 Invite #1");
        inviteConfirmed(alice, "90", "+18764440001");
        probe.reply(alice.userRef, "📨 Invite #2");
        giveCodeIfAsked(alice, send(alice, "30", "+18764440002"));
        var refused = probe.reply(alice.userRef, "You already have $180.00 in open invites");
        assertTrue(refused.body().contains("at most $200.00"), refused.body());
        assertEquals(2, count("select count(*) from payment_audit where user_ref = $1 and operation = 'INVITE' "
                + "and decision = 'REFUSED'", null, alice.userRef));

        erasure.erase(new UserErasureRequested(alice.envelope(RoutingKeys.User.ERASURE_REQUESTED), alice.whatsapp))
                .await().atMost(WAIT);
        assertEquals(0, count("select count(*) from payment_invite where user_ref = $1", null, alice.userRef));
    }

    @Test
    void aNumberThatSaidStopIsNotInvitedAgainAndNothingIsSentToIt() {
        // a number nobody linked here (as command-service sends STOP only for those) answers an invite with "stop";
        // a second time changes nothing
        var phone = "+18764440077";
        var whatsapp = "whatsapp:" + phone;
        var ref = "unlinked-" + UUID.randomUUID();
        for (var i = 0; i < 2; i++) {
            handle(new InviteCommand(Envelope.create(RoutingKeys.Wallet.INVITE_MANAGE,
                    "SM" + UUID.randomUUID().toString().replace("-", ""), ref), whatsapp, InviteCommand.Action.STOP,
                    null));
        }
        probe.reply(ref, "no more payment invites will be sent to this number");
        assertEquals(1L, count("select count(*) from invite_opt_out where phone_hash = $1", null,
                directory.hash(phone)), "kept as the number's keyed hash, once");

        var replies = probe.all(OutboundMessage.class, alice.userRef).size();
        giveCodeIfAsked(alice, send(alice, "5", phone));
        await().atMost(WAIT).until(() -> probe.all(OutboundMessage.class, alice.userRef).stream().skip(replies)
                .anyMatch(m -> m.body().contains("asked not to get invites")));
        assertTrue(expectations(alice, "invite:").isEmpty(), "no invite card");
        assertTrue(probe.all(OutboundMessage.class, recipientRef(phone)).isEmpty(), "nothing sent to the number");
        assertEquals(0L, count("select count(*) from payment_invite where phone_hash = $1", null,
                directory.hash(phone)));
    }

    // ------------------------------------------------------------------ helpers

    /** "send <usd> to <phone>", the code if asked, then the invite card: returns the invite id. */
    private String inviteCard(WalletFixture from, String usd, String phone) {
        var before = expectations(from, "invite:").size();
        giveCodeIfAsked(from, send(from, usd, phone));
        await().atMost(WAIT).until(() -> expectations(from, "invite:").size() > before);
        return expectations(from, "invite:").get(before).context().substring("invite:".length());
    }

    /** An invite the sender said YES to. */
    private String inviteConfirmed(WalletFixture from, String usd, String phone) {
        var id = inviteCard(from, usd, phone);
        answer(from, id, "YES");
        return id;
    }

    /** Handles the request; when it asks for a code (a new recipient, an amount), gives the right one. */
    private void giveCodeIfAsked(WalletFixture from, ContractMessage request) {
        var codes = expectations(from, "mfa:").size();
        var replies = probe.all(OutboundMessage.class, from.userRef).size();
        handle(request);
        await().atMost(WAIT).until(() -> probe.all(OutboundMessage.class, from.userRef).size() > replies);
        var reply = probe.all(OutboundMessage.class, from.userRef).get(replies);
        if (reply.body().contains("confirm it's you")) {
            await().atMost(WAIT).until(() -> expectations(from, "mfa:").size() > codes);
            var code = expectations(from, "mfa:").get(codes);
            handle(new ConfirmationAnswer(from.envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), from.whatsapp,
                    code.expectationId(), "code", from.flash.code, code.context()));
        }
    }

    private List<ConversationExpectation> expectations(WalletFixture user, String prefix) {
        return probe.all(ConversationExpectation.class, user.userRef).stream()
                .filter(e -> e.context() != null && e.context().startsWith(prefix)).toList();
    }

    private PaymentSendRequest send(WalletFixture from, String usd, String phone) {
        return new PaymentSendRequest(from.envelope(RoutingKeys.Wallet.PAYMENT_SEND), from.whatsapp,
                new Amount(new BigDecimal(usd), "USD"), new Recipient(Recipient.Kind.PHONE, phone), null);
    }

    private void answer(WalletFixture from, String inviteId, String text) {
        handle(new ConfirmationAnswer(from.envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), from.whatsapp, inviteId,
                RoutingKeys.Expect.CONFIRMATION, text, "invite:" + inviteId));
    }

    /** The number's owner linked it (what LinkService publishes through the outbox). */
    private static AccountLinked linked(WalletFixture user) {
        return new AccountLinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_LINKED, "SM-link-" + UUID.randomUUID(),
                user.userRef), user.whatsapp, user.accountId, "user-" + user.accountId, user.username, "JMD",
                List.of(user.btcWallet, user.usdWallet), "en");
    }

    private void paysOk() {
        alice.stub("IntraLedgerUsdPaymentSend", "{\"intraLedgerUsdPaymentSend\":{\"status\":\"SUCCESS\","
                + "\"errors\":[]}}");
    }

    private String recipientRef(String phone) {
        return "invite:" + directory.hash(phone);
    }

    private static String key(com.github.tomakehurst.wiremock.verification.LoggedRequest request) {
        return new JsonObject(request.getBodyAsString()).getJsonObject("variables").getJsonObject("input")
                .getString("idempotencyKey");
    }

    private Row invite(String id) {
        return pool.preparedQuery("select status, phone_hash, ciphertext, attempt from payment_invite where id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(WAIT).iterator().next();
    }

    private long count(String sql, UUID id, String value) {
        var tuple = id == null ? Tuple.of(value) : value == null ? Tuple.of(id) : Tuple.of(id, value);
        return pool.preparedQuery(sql).execute(tuple).map(rows -> rows.iterator().next().getLong(0))
                .await().atMost(WAIT);
    }

}
