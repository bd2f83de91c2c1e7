package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.service.Phones;
import com.flashapp.whatsapp.balance.support.FlashStubs;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand.Action;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * payment.request: to a linked user (they get a message with a Pay button), to an unknown one, list, cancel; a
 * request from a phone number on an unverified session gets the same code step-up whether the number uses Flash.
 */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
@WithTestResource(BridgeSocketStub.class)
class PaymentRequestTest extends WalletFlowTest {



    WalletFixture alice;
    WalletFixture bob;
    String invoice;

    @BeforeEach
    void setUp() throws Exception {
        alice = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
        bob = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
        invoice = "lnbc100u1p" + "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(6);
        alice.stub("LnUsdInvoiceCreate", "{\"lnUsdInvoiceCreate\":{\"errors\":[],\"invoice\":{\"paymentRequest\":\""
                + invoice + "\",\"paymentHash\":\"" + "ab".repeat(32) + "\",\"satoshis\":10000}}}");
        // bob writes to the bot once (any request), so his address is in the directory
        handle(new PriceRequest(bob.envelope(RoutingKeys.Wallet.PRICE_GET), bob.whatsapp, "XXXXX"));
    }

    @Test
    void aRequestToALinkedUserReachesThemWithAPayButton() {
        handle(create(new Recipient(Recipient.Kind.USERNAME, "@" + bob.username), "pizza"));
        var toBob = probe.await(OutboundMessage.class, bob.userRef, m -> m.body().contains("is asking you for"));
        assertEquals(bob.whatsapp, toBob.to());
        assertEquals(RoutingKeys.Outbound.NOTIFICATION, toBob.routingKey());
        assertTrue(toBob.body().contains("@" + alice.username) && toBob.body().contains("$10.00")
                && toBob.body().contains("pizza"), toBob.body());
        assertEquals("pay " + invoice, toBob.quickReplies().get(0).payload());
        assertTrue(toBob.quickReplies().get(0).title().length() <= 20);
        probe.await(OutboundMessage.class, bob.userRef, m -> invoice.equals(m.body()));
        probe.reply(alice.userRef, "I've asked @" + bob.username);

        var input = new JsonObject(alice.calls("LnUsdInvoiceCreate").get(0).getBodyAsString())
                .getJsonObject("variables").getJsonObject("input");
        assertEquals(1000, input.getInteger("amount"));
        assertEquals(24 * 60, input.getInteger("expiresIn"), "the invoice lives as long as the request");

        // the same through the phone number
        handle(create(new Recipient(Recipient.Kind.PHONE, bob.flash.phone), null));
        probe.replies(bob.userRef, 4);
    }

    @Test
    void aRequestToSomeoneNotLinkedGivesTheRequesterTheInvoiceToForward() {
        handle(create(new Recipient(Recipient.Kind.USERNAME, "stranger_" + alice.accountId.substring(4, 10)), null));
        var forward = probe.reply(alice.userRef, "forward them the QR code or the invoice");
        assertEquals(1, forward.mediaUrls().size(), "the requester gets the QR code to forward");
        var mediaId = java.net.URI.create(forward.mediaUrls().get(0)).getPath().substring("/media/".length());
        probe.await(com.flashapp.whatsapp.contracts.media.MediaStoreRequest.class, alice.userRef,
                m -> mediaId.equals(m.mediaId()));
        probe.await(OutboundMessage.class, alice.userRef, m -> invoice.equals(m.body()));
    }

    @Test
    void openRequestsAreListedAndCanBeCancelled() {
        handle(create(new Recipient(Recipient.Kind.USERNAME, "first_person"), "one"));
        handle(create(new Recipient(Recipient.Kind.USERNAME, "second_person"), "two"));
        handle(new PaymentRequestCommand(alice.envelope(RoutingKeys.Wallet.PAYMENT_REQUEST), alice.whatsapp,
                Action.LIST, null, null, null, null));
        var list = probe.reply(alice.userRef, "open payment requests");
        assertTrue(list.body().contains("1. $10.00 from @first_person"), list.body());
        assertTrue(list.body().contains("2. $10.00 from @second_person"), list.body());

        handle(new PaymentRequestCommand(alice.envelope(RoutingKeys.Wallet.PAYMENT_REQUEST), alice.whatsapp,
                Action.CANCEL, null, null, null, 1));
        probe.reply(alice.userRef, "Cancelled your request for $10.00 from @first_person");
        probe.clear();
        handle(new PaymentRequestCommand(alice.envelope(RoutingKeys.Wallet.PAYMENT_REQUEST), alice.whatsapp,
                Action.LIST, null, null, null, null));
        var after = probe.reply(alice.userRef, "open payment requests");
        assertFalse(after.body().contains("first_person"), after.body());
        assertTrue(after.body().contains("1. $10.00 from @second_person"), after.body());
    }

    @Test
    void beforeTheRequestersCodeIsVerifiedEveryPhoneNumberGetsTheSameAnswer() {
        // a number no FlashStubs fixture uses (those are +1876555xxxx), so no earlier run put it in the directory
        var nobody = "+1876444" + FlashStubs.nextPhoneSuffix();
        // the requester's last code was two days ago: no verified session
        pool.preparedQuery("update flash_link set verified_at = now() - interval '2 days', "
                + "last_activity_at = now() - interval '2 days' where user_ref = $1")
                .execute(Tuple.of(alice.userRef)).await().atMost(WAIT);

        handle(create(new Recipient(Recipient.Kind.PHONE, bob.flash.phone), "pizza"));
        var fromFlashUser = probe.replies(alice.userRef, 1).get(0);
        handle(create(new Recipient(Recipient.Kind.PHONE, nobody), "pizza"));
        var fromNobody = probe.replies(alice.userRef, 2).get(1);

        assertEquals(fromFlashUser.body(), fromNobody.body(), "a number with Flash and one without get the same answer");
        assertTrue(fromNobody.body().contains("Before I send this payment request, please confirm it's you"),
                fromNobody.body());
        var codes = probe.all(ConversationExpectation.class, alice.userRef);
        assertEquals(2, codes.size());
        assertTrue(codes.stream().allMatch(e -> RoutingKeys.Expect.CODE.equals(e.routingKey())
                && e.context().startsWith("mfa:")));
        assertEquals("FIND_BY_PHONE:STEP_UP:session_idle_over_15m", lastAudit());
        assertTrue(alice.calls("LnUsdInvoiceCreate").isEmpty(), "no invoice before the code");
        assertEquals(0L, count("select count(*) from payment_request where user_ref = $1"));
        assertTrue(probe.all(OutboundMessage.class, bob.userRef).stream()
                .noneMatch(m -> m.body() != null && m.body().contains("is asking you for")), "bob hears nothing");

        // the right code: the kept request (the latest, to the number without Flash) runs, and only now says so
        var code = codes.get(1);
        handle(new ConfirmationAnswer(alice.envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), alice.whatsapp,
                code.expectationId(), "code", alice.flash.code, code.context()));
        var forward = probe.reply(alice.userRef, "isn't using Flash on WhatsApp here");
        assertTrue(forward.body().startsWith(Phones.mask(nobody)),
                forward.body());
        assertEquals(1, alice.calls("LnUsdInvoiceCreate").size());
        assertEquals(1L, count("select count(*) from payment_request where user_ref = $1"));
        assertTrue(lastAudit().startsWith("FIND_BY_PHONE:ALLOW:"), lastAudit());

        // on the verified session the number with Flash is found at once
        handle(create(new Recipient(Recipient.Kind.PHONE, bob.flash.phone), "pizza"));
        probe.await(OutboundMessage.class, bob.userRef, m -> m.body().contains("is asking you for"));
        probe.reply(alice.userRef, "I've asked");
        assertEquals(2, probe.all(ConversationExpectation.class, alice.userRef).size(), "no code asked again");
    }

    private PaymentRequestCommand create(Recipient from, String memo) {
        return new PaymentRequestCommand(alice.envelope(RoutingKeys.Wallet.PAYMENT_REQUEST), alice.whatsapp,
                Action.CREATE, new Amount(new BigDecimal("10"), "USD"), from, memo, null);
    }

    private String lastAudit() {
        return pool.preparedQuery("select operation, decision, reason from mfa_audit where user_ref = $1 "
                        + "order by id desc limit 1").execute(Tuple.of(alice.userRef))
                .map(rows -> {
                    var row = rows.iterator().next();
                    return row.getString("operation") + ":" + row.getString("decision") + ":" + row.getString("reason");
                }).await().atMost(WAIT);
    }

    private long count(String sql) {
        return pool.preparedQuery(sql).execute(Tuple.of(alice.userRef)).map(rows -> rows.iterator().next().getLong(0))
                .await().atMost(WAIT);
    }

}
