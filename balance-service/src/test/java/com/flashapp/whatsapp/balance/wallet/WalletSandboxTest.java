package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.bridge.FlashBridge;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.balance.service.IncomingMessageHandler;
import com.flashapp.whatsapp.balance.support.SandboxFlash;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The wallet flows against the sandbox's Flash simulator (real schema, real balances, real graphql-ws): receive
 * with a QR that decodes to the invoice, a send that pays once even when retried, and the bridge reporting a
 * simulated payment exactly once, also across a forced reconnect.
 */
@QuarkusTest
@WithTestResource(SandboxFlash.class)
class WalletSandboxTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    IncomingMessageHandler handler;
    @Inject
    FlashBridge bridge;
    @Inject
    Pool pool;
    @Inject
    LinkRepository links;
    @Inject
    TokenVault vault;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    io.quarkus.redis.datasource.ReactiveRedisDataSource redis;
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "app.redis.key-prefix")
    String prefix;

    WalletProbe probe;
    SandboxUser alice;
    SandboxUser bob;
    OtherReplica others;

    /** A user of the simulator, logged in, with an active link here. */
    record SandboxUser(String phone, String whatsapp, String username, String userRef, String token, String accountId,
                       String usdWalletId) {
    }

    @BeforeEach
    void setUp() throws Exception {
        breakers.resetAll();
        // the WireMock-based classes share this Redis and cache their stubbed prices for a while: amounts here
        // must be converted at the simulator's price ($100,000 per BTC)
        for (var key : redis.key().scan(new io.quarkus.redis.datasource.keys.KeyScanArgs().match(prefix + "price:*")).toMulti()
                .collect().asList().await().atMost(WAIT)) {
            redis.key().del(key).await().atMost(WAIT);
        }
        probe = new WalletProbe();
        alice = user("alice");
        bob = user("bob");
        others = new OtherReplica(redis, prefix);
        others.holdAllBut(pool, java.util.Set.of(alice.userRef(), bob.userRef()));
    }

    @AfterEach
    void tearDown() throws Exception {
        bridge.releaseAll().await().atMost(WAIT);
        others.releaseAll();
        probe.close();
    }

    @Test
    void receiveReturnsASimulatorInvoiceWhoseQrCodeDecodesToIt() throws Exception {
        handle(new InvoiceCreateRequest(envelope(alice, RoutingKeys.Wallet.INVOICE_CREATE, Instant.now()),
                alice.whatsapp(), new Amount(new BigDecimal("2.50"), "USD"), "coffee"));
        var invoice = probe.await(OutboundMessage.class, alice.userRef(), m -> m.body().startsWith("lnbc")).body();
        var info = probe.reply(alice.userRef(), "Your invoice");
        assertTrue(info.body().contains(alice.username() + "@flashapp.me"));
        // the image handed to the gateway for the reply's media URL is the invoice's QR code
        var mediaId = java.net.URI.create(info.mediaUrls().get(0)).getPath().substring("/media/".length());
        var stored = probe.await(com.flashapp.whatsapp.contracts.media.MediaStoreRequest.class, alice.userRef(),
                m -> mediaId.equals(m.mediaId()));
        var image = ImageIO.read(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(stored.dataBase64())));
        var decoded = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(
                new BufferedImageLuminanceSource(image))), HistoryAndReceiveTest.PURE).getText();
        assertEquals(invoice, decoded.substring("LIGHTNING:".length()).toLowerCase());
        // the simulator knows the invoice: unpaid for now
        var status = given().contentType(ContentType.JSON).body(Map.of("query",
                        "query($r: LnPaymentRequest!) { lnInvoicePaymentStatus(input: {paymentRequest: $r}) { status } }",
                        "variables", Map.of("r", invoice)))
                .post(SandboxFlash.baseUrl() + "/graphql").then().statusCode(200).extract().jsonPath()
                .getString("data.lnInvoicePaymentStatus.status");
        assertEquals("PENDING", status);
    }

    @Test
    void aSendPaysOnceEvenWhenTheSameIntentIsSentAgain() {
        // the user gave a code just now (after the request): the risk rules let this new recipient through
        var request = new PaymentSendRequest(envelope(alice, RoutingKeys.Wallet.PAYMENT_SEND,
                Instant.now().minusSeconds(5)), alice.whatsapp(), new Amount(new BigDecimal("5"), "USD"),
                new Recipient(Recipient.Kind.USERNAME, "@" + bob.username()), "thanks");
        handle(request);
        var card = probe.await(ConversationExpectation.class, alice.userRef(), e -> e.context().startsWith("send:"));
        var intentId = card.context().substring("send:".length());
        assertTrue(probe.reply(alice.userRef(), "Please confirm").body().contains("Fee: none (Flash to Flash)"));
        answerYes(intentId);
        probe.reply(alice.userRef(), "✅ Sent $5.00 to @" + bob.username());
        assertEquals(9_500, usdCents(alice));
        assertEquals(10_500, usdCents(bob));
        var sent = probe.await(PaymentSent.class, alice.userRef(), e -> true);
        assertTrue(sent.transactionId() != null && !sent.transactionId().startsWith("intent:"), sent.transactionId());

        // a crash after Flash paid but before we recorded it: the retry re-sends the same idempotency key
        pool.preparedQuery("update payment_intent set status = 'SENDING' where id = $1")
                .execute(Tuple.of(UUID.fromString(intentId))).await().atMost(WAIT);
        answerYes(intentId);
        await().atMost(WAIT).until(() -> probe.all(OutboundMessage.class, alice.userRef()).stream()
                .filter(m -> m.body().startsWith("✅ Sent")).count() == 2);
        assertEquals(9_500, usdCents(alice), "paid once");
        assertEquals(10_500, usdCents(bob));
        assertEquals(1, probe.all(PaymentSent.class, alice.userRef()).size(), "one event per Flash transaction");
    }

    @Test
    void theBridgeReportsASimulatedPaymentExactlyOnceAlsoAcrossAForcedReconnect() {
        bridge.tick().await().atMost(WAIT);
        await().atMost(WAIT).until(() -> bridge.subscribed(alice.userRef()));
        var first = pay(alice, 1_234);
        var received = probe.await(PaymentReceived.class, alice.userRef(), e -> e.transactionId().equals(first));
        assertEquals(1_234, received.amountMinor());
        assertEquals("USD", received.walletCurrency());

        bridge.forceReconnect(alice.userRef());
        var second = pay(alice, 99);
        probe.await(PaymentReceived.class, alice.userRef(), e -> e.transactionId().equals(second));
        await().atMost(WAIT).until(() -> bridge.subscribed(alice.userRef()));
        // each payment exactly once (the opening balance the simulator books at creation may also be reported)
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                probe.all(PaymentReceived.class, alice.userRef()).stream().filter(e -> e.transactionId().equals(first))
                        .count() == 1
                        && probe.all(PaymentReceived.class, alice.userRef()).stream()
                        .filter(e -> e.transactionId().equals(second)).count() == 1);
        var ids = probe.all(PaymentReceived.class, alice.userRef()).stream().map(PaymentReceived::transactionId).toList();
        assertEquals(ids.size(), ids.stream().distinct().count(), "no transaction reported twice: " + ids);
    }

    @Test
    void anInvoiceWithoutAnAmountIsPaidWithTheAmountGivenAndBalancesMove() {
        var invoice = graphqlAs(bob.token(), "mutation($w: WalletId!) { lnNoAmountInvoiceCreate(input: {walletId: $w}) "
                + "{ invoice { paymentRequest } } }", Map.of("w", bob.usdWalletId()))
                .getString("data.lnNoAmountInvoiceCreate.invoice.paymentRequest");
        var to = new Recipient(Recipient.Kind.LIGHTNING_INVOICE, invoice);
        handle(new PaymentSendRequest(envelope(alice, RoutingKeys.Wallet.PAYMENT_SEND, Instant.now()),
                alice.whatsapp(), null, to, null));
        probe.reply(alice.userRef(), "This invoice has no amount");

        var intentId = cardFor(new Amount(new BigDecimal("2"), "USD"), to);
        var card = probe.reply(alice.userRef(), "Please confirm").body();
        assertTrue(card.contains("Fee: none\n"), "Flash's probe: no fee for an invoice of a Flash user: " + card);
        answerYes(intentId);
        probe.reply(alice.userRef(), "✅ Sent $2.00");
        assertEquals(9_800, usdCents(alice), "paid from the Cash wallet with lnNoAmountUsdInvoicePaymentSend");
        assertEquals(10_200, usdCents(bob));
    }

    @Test
    void aLightningAddressOfAnotherWalletIsPaidThroughLnurlPayAsAnOutsidePayment() {
        var intentId = cardFor(new Amount(new BigDecimal("5"), "USD"),
                new Recipient(Recipient.Kind.LIGHTNING_ADDRESS, "Dave@wallet.example"));
        var card = probe.reply(alice.userRef(), "Please confirm");
        assertTrue(card.body().contains("dave@wallet.example") && card.body().contains("5,000 sats"), card.body());
        // the simulator's outside fee: 0.5 % of 5,000 sats = 25 sats = 2.5 cents, rounded up, from the Cash wallet
        assertTrue(card.body().contains("Fee: $0.03\n"), card.body());
        assertEquals(3L, pool.preparedQuery("select fee_minor from payment_audit where intent_id = $1 and fee_unit = "
                        + "'USD' and decision = 'CONFIRMATION_ASKED'").execute(Tuple.of(UUID.fromString(intentId)))
                .await().atMost(WAIT).iterator().next().getLong(0), "the quoted fee is audited");
        var invoice = pool.preparedQuery("select recipient_key from payment_intent where id = $1")
                .execute(Tuple.of(UUID.fromString(intentId))).await().atMost(WAIT).iterator().next().getString(0);
        assertTrue(invoice.startsWith("lnbc50u1") || invoice.startsWith("lnbc50000n1"), "5,000 sats: " + invoice);
        answerYes(intentId);
        probe.reply(alice.userRef(), "✅ Sent 5,000 sats to dave@wallet.example");
        assertEquals(9_500, usdCents(alice), "debited: an external Lightning payment");
        assertEquals(10_000, usdCents(bob), "nobody in Flash was credited");
    }

    @Test
    void lightningAddressesOutOfRangeUnreachableOrAnsweringAnotherAmountAreRefusedClearly() {
        send(new Amount(new BigDecimal("200"), "USD"), "dave@wallet.example");
        var range = probe.reply(alice.userRef(), "accepts payments from");
        assertTrue(range.body().contains("1 sat to 100,000 sats") && range.body().contains("200,000 sats"),
                range.body());

        send(new Amount(new BigDecimal("1000"), "SATS"), "someone@unreachable.example");
        probe.reply(alice.userRef(), "I couldn't reach unreachable.example to pay someone@unreachable.example");

        send(new Amount(new BigDecimal("1000"), "SATS"), "mismatch@wallet.example");
        var mismatch = probe.reply(alice.userRef(), "instead of 1,000 sats");
        assertTrue(mismatch.body().contains("1,001 sats") && mismatch.body().contains("didn't pay it"),
                mismatch.body());

        send(new Amount(new BigDecimal("1000"), "SATS"), "broken@wallet.example");
        probe.reply(alice.userRef(), "isn't a Lightning address that can receive payments");

        assertTrue(probe.all(ConversationExpectation.class, alice.userRef()).isEmpty(), "no card for any of them");
        assertEquals(10_000, usdCents(alice), "nothing was sent");
        assertEquals(0L, pool.preparedQuery("select count(*) from payment_intent where user_ref = $1")
                .execute(Tuple.of(alice.userRef())).await().atMost(WAIT).iterator().next().getLong(0));
    }

    @Test
    void anOutsideInvoiceShowsItsProbedFeeAndAFailingProbeDoesNotBlockThePayment() {
        var invoice = given().queryParam("amount", 1_000_000).get(SandboxFlash.baseUrl() + "/sandbox/lnurl/callback/erin")
                .then().statusCode(200).extract().jsonPath().getString("pr");
        var to = new Recipient(Recipient.Kind.LIGHTNING_INVOICE, invoice);
        cardFor(null, to);
        var card = probe.reply(alice.userRef(), "Please confirm").body();
        assertTrue(card.contains("1,000 sats") && card.contains("Fee: $0.01\n"), "5 sats, rounded up: " + card);

        // Flash fails only the fee probe: the card falls back to the general wording and the payment still goes
        given().contentType(ContentType.JSON).body(Map.of("mode", "http500", "operation", "LnUsdInvoiceFeeProbe",
                "durationSeconds", 60)).post(SandboxFlash.baseUrl() + "/sandbox/flash/faults").then().statusCode(200);
        try {
            probe.clear(); // the first card's messages all arrived (its reply comes last)
            var intentId = cardFor(new Amount(new BigDecimal("5"), "USD"),
                    new Recipient(Recipient.Kind.LIGHTNING_ADDRESS, "erin@wallet.example"));
            var fallback = probe.reply(alice.userRef(), "Please confirm").body();
            assertTrue(fallback.contains("Fee: a small Lightning network fee may apply"), fallback);
            answerYes(intentId);
            probe.reply(alice.userRef(), "✅ Sent 5,000 sats to erin@wallet.example");
            assertEquals(9_500, usdCents(alice));
        } finally {
            given().delete(SandboxFlash.baseUrl() + "/sandbox/flash/faults").then().statusCode(204);
        }
    }

    @Test
    void aProbeSayingTheFeeDoesNotFitTheBalanceIsAnsweredInsteadOfTheCard() {
        given().contentType(ContentType.JSON).body(Map.of("phone", alice.phone(), "username", alice.username(),
                "usdCents", 500, "btcSats", 0, "displayCurrency", "USD"))
                .post(SandboxFlash.baseUrl() + "/sandbox/flash/users").then().statusCode(200);
        send(new Amount(new BigDecimal("5"), "USD"), "dave@wallet.example");
        var answer = probe.reply(alice.userRef(), "Not enough money").body();
        assertTrue(answer.contains("for 5,000 sats plus the Lightning network fee")
                && answer.contains("Nothing was sent"), answer);
        assertTrue(probe.all(ConversationExpectation.class, alice.userRef()).isEmpty(), "no card");
        assertEquals(500, usdCents(alice));
        assertEquals(1L, pool.preparedQuery("select count(*) from payment_audit where user_ref = $1 and decision = "
                        + "'REFUSED' and reason = 'fee_probe:INSUFFICIENT_BALANCE'").execute(Tuple.of(alice.userRef()))
                .await().atMost(WAIT).iterator().next().getLong(0));
    }

    // ------------------------------------------------------------------ helpers

    /** A send to an outside Lightning address, requested just before a fresh code (new recipients pass). */
    private void send(Amount amount, String address) {
        handle(new PaymentSendRequest(envelope(alice, RoutingKeys.Wallet.PAYMENT_SEND, Instant.now().minusSeconds(5)),
                alice.whatsapp(), amount, new Recipient(Recipient.Kind.LIGHTNING_ADDRESS, address), null));
    }

    /** Sends (requested just before a fresh code, so the new recipient passes) and returns the card's intent id. */
    private String cardFor(Amount amount, Recipient to) {
        handle(new PaymentSendRequest(envelope(alice, RoutingKeys.Wallet.PAYMENT_SEND, Instant.now().minusSeconds(5)),
                alice.whatsapp(), amount, to, null));
        var card = probe.await(ConversationExpectation.class, alice.userRef(), e -> e.context().startsWith("send:"));
        return card.context().substring("send:".length());
    }

    private io.restassured.path.json.JsonPath graphqlAs(String token, String query, Map<String, Object> variables) {
        return given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body(Map.of("query", query, "variables", variables))
                .post(SandboxFlash.baseUrl() + "/graphql").then().statusCode(200).extract().jsonPath();
    }

    private SandboxUser user(String name) {
        var base = SandboxFlash.baseUrl();
        var phone = "+1876555" + String.format("%04d", (int) (Math.random() * 10_000));
        var username = name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        var created = given().contentType(ContentType.JSON).body(Map.of("phone", phone, "username", username,
                        "usdCents", 10_000, "btcSats", 0, "displayCurrency", "USD"))
                .post(base + "/sandbox/flash/users").then().statusCode(200).extract().jsonPath();
        graphql("mutation($p: Phone!) { userPhoneRegistrationInitiate(input: {phone: $p, channel: WHATSAPP}) "
                + "{ success } }", Map.of("p", phone));
        var code = given().queryParam("phone", phone).get(base + "/sandbox/flash/otp")
                .then().statusCode(200).extract().jsonPath().getString("code");
        var token = graphql("mutation($p: Phone!, $c: OneTimeAuthCode!) { userLogin(input: {phone: $p, code: $c}) "
                + "{ authToken } }", Map.of("p", phone, "c", code)).getString("data.userLogin.authToken");
        var userRef = "u_sbx_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        var now = Instant.now();
        var link = new Link(userRef, created.getString("accountId"), created.getString("id"), username, "USD",
                created.getString("defaultWalletId"), "en-JM", vault.encrypt(token, userRef), Link.Status.ACTIVE,
                now.minusSeconds(60), now, now);
        pool.withTransaction(tx -> links.saveVerified(tx, link, now)).await().atMost(WAIT);
        pool.preparedQuery("update flash_link set linked_at = $2 where user_ref = $1")
                .execute(Tuple.of(userRef, WalletFixture.ts(now.minusSeconds(60)))).await().atMost(WAIT);
        return new SandboxUser(phone, "whatsapp:" + phone, username, userRef, token, created.getString("accountId"),
                created.getString("usdWalletId"));
    }

    private io.restassured.path.json.JsonPath graphql(String query, Map<String, Object> variables) {
        return given().contentType(ContentType.JSON).body(Map.of("query", query, "variables", variables))
                .post(SandboxFlash.baseUrl() + "/graphql").then().statusCode(200).extract().jsonPath();
    }

    private String pay(SandboxUser to, long cents) {
        return given().contentType(ContentType.JSON).body(Map.of("toUsername", to.username(), "amount", cents,
                        "walletCurrency", "USD", "memo", "test payment"))
                .post(SandboxFlash.baseUrl() + "/sandbox/flash/payments").then().statusCode(200).extract().jsonPath()
                .getString("transactionId");
    }

    private long usdCents(SandboxUser user) {
        return given().queryParam("phone", user.phone()).get(SandboxFlash.baseUrl() + "/sandbox/flash/users")
                .then().statusCode(200).extract().jsonPath().getLong("[0].usdCents");
    }

    private void answerYes(String intentId) {
        handle(new ConfirmationAnswer(envelope(alice, RoutingKeys.Wallet.CONFIRMATION_ANSWER, Instant.now()),
                alice.whatsapp(), intentId, RoutingKeys.Expect.CONFIRMATION, "YES", "send:" + intentId));
    }

    private static Envelope envelope(SandboxUser user, String type, Instant occurredAt) {
        return new Envelope(UUID.randomUUID(), "SM" + UUID.randomUUID().toString().replace("-", ""), occurredAt,
                user.userRef(), type);
    }

    private void handle(ContractMessage message) {
        handler.handle(message).await().atMost(WAIT);
    }
}
