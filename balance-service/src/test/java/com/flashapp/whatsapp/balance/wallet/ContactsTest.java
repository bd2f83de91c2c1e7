package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.directory.ContactDirectory;
import com.flashapp.whatsapp.balance.service.Phones;
import com.flashapp.whatsapp.balance.support.FlashStubs;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.ContactCommand;
import com.flashapp.whatsapp.contracts.wallet.ContactCommand.Action;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saved contacts (issue 22): saved from text or a shared contact card only after YES, listed, deleted, capped,
 * encrypted, erased; "send 5 to mom" and "request 10 from mom" reach the contact's number through the usual card
 * and request flow.
 */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
@WithTestResource(BridgeSocketStub.class)
class ContactsTest extends WalletFlowTest {

    private static final String ACCOUNT_SID = "AC00000000000000000000000000000000";

    @Inject
    ContactDirectory directory;
    @Inject
    com.flashapp.whatsapp.balance.service.Housekeeping housekeeping;

    WalletFixture alice;
    WalletFixture carol;

    @BeforeEach
    void setUp() throws Exception {
        FlashStubs.price("USD");
        alice = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
        carol = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
        directory.remember(carol.userRef, carol.whatsapp).await().atMost(WAIT);
    }

    @Test
    void aContactIsSavedOnlyAfterYesListedEncryptedAndDeleted() {
        var phone = carol.flash.phone;
        handle(save("Mom", phone));
        var question = probe.reply(alice.userRef, "Save Mom (" + Phones.mask(phone) + ") to your contacts?");
        assertEquals("YES", question.quickReplies().get(0).payload());
        var expectation = probe.await(ConversationExpectation.class, alice.userRef, e -> true);
        assertEquals(RoutingKeys.Expect.CONFIRMATION, expectation.routingKey());
        assertTrue(expectation.context().startsWith("contact:"), expectation.context());

        handle(list());
        probe.reply(alice.userRef, "You have no saved contacts yet");

        answer(expectation, "YES");
        probe.reply(alice.userRef, "✅ Saved Mom (" + Phones.mask(phone) + ")");
        handle(list());
        var listed = probe.reply(alice.userRef, "Your contacts");
        assertTrue(listed.body().contains("1. Mom (" + Phones.mask(phone) + ")"), listed.body());
        assertFalse(listed.body().contains(phone), "the number is masked even to its owner");

        var stored = pool.preparedQuery("select name_key, ciphertext from saved_contact where user_ref = $1")
                .execute(Tuple.of(alice.userRef)).await().atMost(WAIT).iterator().next();
        var row = stored.getString("name_key") + stored.getString("ciphertext");
        assertFalse(row.contains("Mom") || row.contains(phone.substring(1)), "name and number are encrypted");

        // a redelivered YES saves nothing twice
        answer(expectation, "YES");
        probe.reply(alice.userRef, "is saved.");
        assertEquals(1L, count("select count(*) from saved_contact where user_ref = $1"));

        handle(new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.DELETE,
                "MOM", null, null));
        probe.reply(alice.userRef, "🗑️ Deleted Mom");
        assertEquals(0L, count("select count(*) from saved_contact where user_ref = $1"));
        handle(new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.DELETE,
                "grandma", null, null));
        probe.reply(alice.userRef, "You have no contact called \"grandma\"");
    }

    @Test
    void noKeepsNothingAndBadInputGetsAClearAnswer() {
        handle(save("Dad", "+18764440001"));
        var expectation = probe.await(ConversationExpectation.class, alice.userRef, e -> true);
        answer(expectation, "NO");
        probe.reply(alice.userRef, "OK, I didn't save Dad.");
        assertEquals(0L, count("select count(*) from saved_contact where user_ref = $1"));

        handle(save("Dad", "12345"));
        probe.reply(alice.userRef, "doesn't look like a phone number");
        handle(save("1234", "+18764440001"));
        probe.reply(alice.userRef, "needs a letter");
        handle(save("Me", Phones.e164(alice.whatsapp)));
        probe.reply(alice.userRef, "That's your own number");
        handle(save("x".repeat(41), "+18764440001"));
        probe.reply(alice.userRef, "shorter name");
        assertEquals(1, probe.all(ConversationExpectation.class, alice.userRef).size(), "no question for bad input");
    }

    @Test
    void theNumberOfContactsIsCappedAndASameNameReplaces() {
        for (int i = 1; i <= 4; i++) {
            saveConfirmed("Friend " + (char) ('A' + i), "+1876444000" + i);
        }
        handle(save("Friend Z", "+18764440009"));
        probe.reply(alice.userRef, "You have 4 contacts, the most I keep");

        // the same name again replaces the old number, within the cap
        handle(save("friend b", "+18764440008"));
        probe.reply(alice.userRef, "Replace Friend B (+1876***0001) with friend b (+1876***0008)?");
        var questions = probe.all(ConversationExpectation.class, alice.userRef);
        assertEquals(5, questions.size(), "four saved, none for the one over the cap, one to replace");
        answer(questions.get(4), "YES");
        probe.reply(alice.userRef, "✅ Saved friend b (+1876***0008)");
        assertEquals(4L, count("select count(*) from saved_contact where user_ref = $1 and status = 'SAVED'"));
    }

    @Test
    void sendToAContactShowsItOnTheUsualCardAndANumberWithoutFlashGetsAnInviteCardByName() {
        stubWalletOf(carol.username);
        paidBefore("wallet-" + carol.username); // not a new recipient: no code step-up before the card
        saveConfirmed("Mom", carol.flash.phone);
        saveConfirmed("Uncle Ray", "+18764449999");

        handle(new PaymentSendRequest(alice.envelope(RoutingKeys.Wallet.PAYMENT_SEND), alice.whatsapp,
                new Amount(new BigDecimal("5"), "USD"), new Recipient(Recipient.Kind.USERNAME, "mom"), null));
        var card = probe.reply(alice.userRef, "Please confirm this payment");
        assertTrue(card.body().contains("To: Mom (" + Phones.mask(carol.flash.phone) + "), @" + carol.username),
                card.body());
        var intent = probe.await(ConversationExpectation.class, alice.userRef, e -> e.context().startsWith("send:"));
        var label = pool.preparedQuery("select recipient_label from payment_intent where id = $1")
                .execute(Tuple.of(UUID.fromString(intent.context().substring(5)))).await().atMost(WAIT)
                .iterator().next().getString(0);
        assertEquals("@" + carol.username, label, "the stored intent never names the contact");

        handle(new PaymentSendRequest(alice.envelope(RoutingKeys.Wallet.PAYMENT_SEND), alice.whatsapp,
                new Amount(new BigDecimal("5"), "USD"), new Recipient(Recipient.Kind.USERNAME, "uncle"), null));
        // nobody linked Uncle Ray's number: an invite (InviteTest), after the code a new recipient needs (the
        // request kept for that code is the one by number, so the card after it shows the masked number only)
        var code = probe.await(ConversationExpectation.class, alice.userRef, e -> e.context().startsWith("mfa:"));
        handle(new ConfirmationAnswer(alice.envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), alice.whatsapp,
                code.expectationId(), "code", alice.flash.code, code.context()));
        var invite = probe.reply(alice.userRef, "Please confirm this invite");
        assertTrue(invite.body().contains("To: +1876***9999 (not on Flash yet)"), invite.body());
    }

    @Test
    void requestFromAContactReachesThemByTheirNumber() {
        var invoice = "lnbc100u1p" + "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(6);
        alice.stub("LnUsdInvoiceCreate", "{\"lnUsdInvoiceCreate\":{\"errors\":[],\"invoice\":{\"paymentRequest\":\""
                + invoice + "\",\"paymentHash\":\"" + "ab".repeat(32) + "\",\"satoshis\":10000}}}");
        saveConfirmed("Mom", carol.flash.phone);
        handle(new PaymentRequestCommand(alice.envelope(RoutingKeys.Wallet.PAYMENT_REQUEST), alice.whatsapp,
                PaymentRequestCommand.Action.CREATE, new Amount(new BigDecimal("10"), "USD"),
                new Recipient(Recipient.Kind.USERNAME, "Mom"), null, null));
        probe.await(OutboundMessage.class, carol.userRef, m -> m.body().contains("is asking you for"));
        probe.reply(alice.userRef, "I've asked Mom (" + Phones.mask(carol.flash.phone) + ") for $10.00");
        var counterparty = pool.preparedQuery("select counterparty from payment_request where user_ref = $1")
                .execute(Tuple.of(alice.userRef)).await().atMost(WAIT).iterator().next().getString(0);
        assertEquals(Phones.mask(carol.flash.phone), counterparty);
    }

    @Test
    void aSharedContactCardIsDownloadedFromTwilioAndAsked() {
        var media = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/MM" + alice.accountId + "/Media/ME1";
        FlashWireMock.server().stubFor(get(urlEqualTo(media))
                .withHeader("Authorization", equalTo("Basic " + java.util.Base64.getEncoder().encodeToString(
                        (ACCOUNT_SID + ":0123456789abcdef0123456789abcdef").getBytes())))
                .willReturn(aResponse().withStatus(307).withHeader("Location", "/storage/" + alice.accountId)));
        FlashWireMock.server().stubFor(get(urlEqualTo("/storage/" + alice.accountId))
                .withHeader("Authorization", absent())
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/vcard")
                        .withBody("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Aunt May\r\n"
                                + "TEL;type=CELL;waid=18764441234:+1 876-444-1234\r\nEND:VCARD\r\n")));
        handle(new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.SAVE,
                null, null, FlashWireMock.server().baseUrl() + media));
        probe.reply(alice.userRef, "Save Aunt May (+1876***1234) to your contacts?");

        // a URL outside our Twilio account is never fetched (our credentials go only there)
        handle(new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.SAVE,
                null, null, "https://example.com/card.vcf"));
        probe.reply(alice.userRef, "I couldn't open that contact card.");
        // media Twilio no longer has
        handle(new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.SAVE,
                null, null, FlashWireMock.server().baseUrl() + media + "gone"));
        probe.reply(alice.userRef, "I couldn't read that contact card.");

        // a card larger than the limit is cut off while read (its connection closed), and is answered as unreadable
        // each time, not as a download that failed
        FlashWireMock.server().stubFor(get(urlEqualTo(media + "big"))
                .willReturn(aResponse().withStatus(307).withHeader("Location", "/storage/big" + alice.accountId)));
        FlashWireMock.server().stubFor(get(urlEqualTo("/storage/big" + alice.accountId))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/vcard")
                        .withBody("BEGIN:VCARD\r\nNOTE:" + "x".repeat(40_000) + "\r\nEND:VCARD\r\n")));
        for (int i = 0; i < 5; i++) {
            probe.clear();
            handle(new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.SAVE,
                    null, null, FlashWireMock.server().baseUrl() + media + "big"));
            probe.reply(alice.userRef, "I couldn't read that contact card.");
            assertEquals(1, probe.all(OutboundMessage.class, alice.userRef).size());
        }
    }

    @Test
    void anUnansweredQuestionAndTheContactsOfAnUnlinkedUserAreSwept() {
        saveConfirmed("Mom", carol.flash.phone);
        handle(save("Dad", "+18764440001"));
        probe.reply(alice.userRef, "Save Dad");
        pool.preparedQuery("update saved_contact set expires_at = now() - interval '1 minute' where user_ref = $1 "
                + "and status = 'PENDING'").execute(Tuple.of(alice.userRef)).await().atMost(WAIT);
        housekeeping.sweep().await().atMost(WAIT);
        assertEquals(1L, count("select count(*) from saved_contact where user_ref = $1"), "the saved one stays");

        pool.preparedQuery("delete from flash_link where user_ref = $1").execute(Tuple.of(alice.userRef))
                .await().atMost(WAIT);
        housekeeping.sweep().await().atMost(WAIT);
        assertEquals(0L, count("select count(*) from saved_contact where user_ref = $1"), "contacts live with the link");
    }

    @Test
    void deleteMyDataErasesTheContacts() {
        saveConfirmed("Mom", carol.flash.phone);
        handle(new UserErasureRequested(alice.envelope(RoutingKeys.User.ERASURE_REQUESTED), alice.whatsapp));
        assertEquals(0L, count("select count(*) from saved_contact where user_ref = $1"));
    }

    // ------------------------------------------------------------------ helpers

    private void saveConfirmed(String name, String phone) {
        var before = probe.all(ConversationExpectation.class, alice.userRef).size();
        handle(save(name, phone));
        org.awaitility.Awaitility.await().atMost(WAIT)
                .until(() -> probe.all(ConversationExpectation.class, alice.userRef).size() > before);
        answer(probe.all(ConversationExpectation.class, alice.userRef).get(before), "YES");
        probe.reply(alice.userRef, "✅ Saved " + name);
    }

    /** Alice has paid this wallet before (so it is not a new recipient). */
    private void paidBefore(String walletId) {
        pool.preparedQuery("insert into payment_intent (id, user_ref, status, kind, wallet_id, wallet_currency, "
                        + "recipient_kind, recipient_label, recipient_key, amount_minor, usd_cents, created_at, expires_at) "
                        + "values ($1, $2, 'SENT', 'INTRA_USD', $3, 'USD', 'USERNAME', '@old', $4, 1, 1, "
                        + "now() - interval '2 days', now() - interval '2 days')")
                .execute(Tuple.of(UUID.randomUUID(), alice.userRef, alice.usdWallet, walletId)).await().atMost(WAIT);
    }

    private void stubWalletOf(String username) {
        FlashWireMock.server().stubFor(post(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.operationName", equalTo("AccountDefaultWallet")))
                .withRequestBody(matchingJsonPath("$.variables.username", equalTo(username)))
                .willReturn(okJson("{\"data\":{\"accountDefaultWallet\":{\"id\":\"wallet-" + username
                        + "\",\"walletCurrency\":\"USD\"}}}")));
    }

    private ContactCommand save(String name, String phone) {
        return new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.SAVE, name,
                phone, null);
    }

    private ContactCommand list() {
        return new ContactCommand(alice.envelope(RoutingKeys.Wallet.CONTACT_MANAGE), alice.whatsapp, Action.LIST, null,
                null, null);
    }

    private void answer(ConversationExpectation expectation, String text) {
        handle(new ConfirmationAnswer(alice.envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER), alice.whatsapp,
                expectation.expectationId(), RoutingKeys.Expect.CONFIRMATION, text, expectation.context()));
    }

    private long count(String sql) {
        return pool.preparedQuery(sql).execute(Tuple.of(alice.userRef)).map(rows -> rows.iterator().next().getLong(0))
                .await().atMost(WAIT);
    }

}
