package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.client.FlashClient;
import com.flashapp.whatsapp.balance.repository.CacheRepository;
import com.flashapp.whatsapp.balance.support.BrokerProbe;
import com.flashapp.whatsapp.balance.support.FlashStubs;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountUnlinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountVerifyRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The user's flows end to end: real RabbitMQ, Redis and PostgreSQL, Flash simulated by WireMock. Requests are
 * published as command-service would; replies, expectations and events are read as the other services would.
 */
@QuarkusTest
// the same resources as the other @QuarkusTest classes (one application start), Flash simulated by WireMock
@WithTestResource(FlashWireMock.class)
class LinkAndBalanceFlowTest {

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    CacheRepository cache;

    @Inject
    CircuitBreakerMaintenance breakers;

    BrokerProbe broker;
    FlashStubs user;

    @BeforeEach
    void setUp() throws Exception {
        breakers.resetAll();
        broker = new BrokerProbe();
        user = new FlashStubs();
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
    }

    @Test
    void linkVerifyAndBalance() throws Exception {
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                user.whatsapp, "en-JM"));
        var expectation = broker.await(ConversationExpectation.class, user.userRef, e -> true);
        assertEquals(RoutingKeys.Expect.CODE, expectation.routingKey());
        assertEquals(Exchanges.WALLET_REQUESTS, expectation.ownerExchange());
        assertEquals("link", expectation.context());
        var howTo = reply("Flash app");
        assertEquals(user.whatsapp, howTo.to());
        assertFalse(howTo.body().contains(user.phone), "the number is masked");

        // a wrong code, answered through the expectation as command-service routes it
        broker.publish(Exchanges.WALLET_REQUESTS, new ConfirmationAnswer(envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER),
                user.whatsapp, expectation.expectationId(), "code", "111111", "link"));
        assertTrue(reply("isn't right").body().contains("4 tries left"));

        broker.publish(Exchanges.WALLET_REQUESTS, new AccountVerifyRequest(envelope(RoutingKeys.Wallet.ACCOUNT_VERIFY),
                user.whatsapp, user.code));
        var welcome = reply("Welcome");
        assertTrue(welcome.body().contains("@" + user.username));
        assertEquals("balance", welcome.quickReplies().get(0).payload(), "linked: the balance is the next step");

        var linked = broker.await(AccountLinked.class, user.userRef, e -> true);
        assertEquals(user.whatsapp, linked.whatsapp());
        assertEquals(user.accountId, linked.flashAccountId());
        assertEquals("JMD", linked.displayCurrency());
        assertEquals(2, linked.walletIds().size());

        var row = linkRow();
        assertEquals("ACTIVE", row.getString("status"));
        var raw = row.getString("token_ciphertext");
        assertTrue(raw.startsWith("rotated:"), "encrypted with the active key and says so");
        assertFalse(raw.contains(user.token), "the database never holds the token in clear");

        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        var balance = reply("Your Flash balance");
        assertTrue(balance.body().contains("0.00123456 BTC (123,456 sats)"), balance.body());
        assertTrue(balance.body().contains("J$19,356.54"), balance.body());
        assertTrue(balance.body().contains("$25.50"), balance.body());
        assertTrue(balance.body().contains("Total ≈ J$19,396.58"), balance.body());
        assertFalse(balance.body().contains("as of"), "fresh from Flash");
    }

    @Test
    void withAServiceTokenFlashSendsTheCodeByWhatsApp() throws Exception {
        user.flashSendsCodes();
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                user.whatsapp, "en-JM"));
        var sent = reply("Flash has just sent");
        assertFalse(sent.body().contains("Flash app"));
        verify(user.code);
        reply("Welcome");
    }

    @Test
    void balanceComesFromTheEncryptedCacheUntilAPaymentEventInvalidatesIt() throws Exception {
        link();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        reply("J$19,396.58");
        var raw = redis.value(String.class).get(cache.balanceKey(user.userRef));
        assertTrue(raw.startsWith("rotated:") && !raw.contains("123456"), "the cache holds ciphertext only");

        user.balance(200000, "2550");
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        var cached = reply("Your Flash balance");
        assertTrue(cached.body().contains("123,456 sats") && cached.body().contains("as of"), cached.body());

        // the bridge reports money arriving; it knows the Flash account, not the WhatsApp user
        broker.publish(Exchanges.FLASH_EVENTS, new PaymentReceived(
                new Envelope(UUID.randomUUID(), "tx", Instant.now(), null, RoutingKeys.FlashEvents.PAYMENT_RECEIVED),
                "tx-" + UUID.randomUUID(), user.accountId, "w", "BTC", 76544, BigDecimal.ONE, "JMD", null, null,
                "subscription", Instant.now()));
        await().atMost(Duration.ofSeconds(15)).until(() -> redis.key().exists(cache.balanceKey(user.userRef)) == false);

        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        var fresh = reply("Your Flash balance");
        assertTrue(fresh.body().contains("200,000 sats") && !fresh.body().contains("as of"), fresh.body());
        // next steps as buttons whose payloads are commands command-service parses
        assertEquals(java.util.List.of("balance refresh", "history", "receive"),
                fresh.quickReplies().stream().map(q -> q.payload()).toList());
        assertTrue(fresh.quickReplies().stream().allMatch(q -> q.title().length() <= 20));
    }

    @Test
    void whenFlashIsDownTheLastKnownBalanceComesWithItsAgeThenAFriendlyError() throws Exception {
        link();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        reply("J$19,396.58");

        user.balanceDown();
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(true));
        var degraded = reply("last known balance");
        assertTrue(degraded.body().contains("as of") && degraded.body().contains("123,456 sats"), degraded.body());

        broker.publish(Exchanges.FLASH_EVENTS, new PaymentSent(envelopeOf(RoutingKeys.FlashEvents.PAYMENT_SENT),
                "tx-" + UUID.randomUUID(), user.accountId, "w", "USD", 100, BigDecimal.ONE, "JMD", "bob", null,
                "subscription", Instant.now()));
        await().atMost(Duration.ofSeconds(15)).until(() -> redis.key().exists(cache.balanceKey(user.userRef)) == false);
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        var sorry = reply("Flash is not answering");
        assertTrue(sorry.body().contains("try again in a minute"));
        assertFalse(sorry.body().toLowerCase().contains("exception"));
    }

    @Test
    void whileTheBreakerIsOpenTheCachedBalanceStillAnswers() throws Exception {
        link();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        reply("J$19,396.58");
        user.balanceDown();
        for (int request = 1; request <= 4; request++) {
            broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(true));
            var answered = request;
            await().atMost(Duration.ofSeconds(20)).until(() -> broker.all(OutboundMessage.class, user.userRef).stream()
                    .filter(m -> m.body().contains("last known balance")).count() == answered);
        }
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(FlashClient.BALANCE_BREAKER));

        var callsBefore = FlashWireMock.server().getAllServeEvents().size();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(true));
        await().atMost(Duration.ofSeconds(20)).until(() -> broker.all(OutboundMessage.class, user.userRef).stream()
                .filter(m -> m.body().contains("last known balance") && m.body().contains("as of")).count() == 5);
        assertEquals(callsBefore, FlashWireMock.server().getAllServeEvents().size(), "an open breaker spares Flash");
    }

    @Test
    void aRevokedTokenMarksTheLinkStaleAndAsksToLinkAgain() throws Exception {
        link();
        user.tokenRevoked();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        var relink = reply("Reply LINK");
        assertTrue(relink.body().contains("session has ended"), relink.body());
        var unlinked = broker.await(AccountUnlinked.class, user.userRef, e -> true);
        assertEquals("token_revoked", unlinked.reason());
        assertEquals(user.accountId, unlinked.flashAccountId());
        var row = linkRow();
        assertEquals("STALE", row.getString("status"));
        assertNull(row.getString("token_ciphertext"));

        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        reply("link has ended");
    }

    @Test
    void aNotAuthenticatedGraphQLErrorAlsoMeansTheLinkIsStale() throws Exception {
        link();
        user.tokenRefusedByGraphQL();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(true));
        reply("session has ended");
        assertEquals("token_revoked", broker.await(AccountUnlinked.class, user.userRef, e -> true).reason());
        assertEquals("STALE", linkRow().getString("status"));
    }

    @Test
    void tooManyWrongCodesLockTheFlowAndSayUntilWhen() throws Exception {
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                user.whatsapp, "en-JM"));
        reply("Flash app");
        for (int attempt = 1; attempt <= 4; attempt++) {
            verify("12345" + attempt);
            reply((5 - attempt) + (attempt == 4 ? " try left" : " tries left"));
        }
        verify("123459");
        var locked = reply("locked until");
        assertFalse(locked.body().contains("tries left"));

        broker.clear();
        verify(user.code);
        reply("locked until");
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                user.whatsapp, "en-JM"));
        await().atMost(Duration.ofSeconds(15)).until(() -> broker.all(OutboundMessage.class, user.userRef).size() == 2);
        assertTrue(broker.all(OutboundMessage.class, user.userRef).get(1).body().contains("locked until"));
        assertEquals(0L, count("select count(*) from flash_link where user_ref = $1"), "never linked");
        assertEquals(1L, count("select count(*) from mfa_audit where user_ref = $1 and decision = 'LOCKED'"));
    }

    @Test
    void anExpiredCodeIsReportedWithAWayToGetANewOne() throws Exception {
        // Flash says the code expired
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                user.whatsapp, "en-JM"));
        reply("Flash app");
        verify("999999");
        var expired = reply("expired");
        assertEquals("link", expired.quickReplies().get(0).payload());

        // our own challenge ran out before the code came
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                user.whatsapp, "en-JM"));
        reply("Flash app");
        pool.preparedQuery("update code_challenge set expires_at = now() - interval '1 minute' where user_ref = $1")
                .execute(Tuple.of(user.userRef)).await().indefinitely();
        verify(user.code);
        reply("expired");
        assertEquals(0L, count("select count(*) from flash_link where user_ref = $1"));
    }

    @Test
    void unlinkAsksForYesThenLogsOutAndForgetsTheAccount() throws Exception {
        link();
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountUnlinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_UNLINK),
                user.whatsapp));
        var confirm = broker.await(ConversationExpectation.class, user.userRef, e -> true);
        assertEquals(RoutingKeys.Expect.CONFIRMATION, confirm.routingKey());
        assertEquals("unlink", confirm.context());
        reply("Reply YES to unlink");
        assertEquals(1L, count("select count(*) from flash_link where user_ref = $1"), "nothing happens before YES");

        broker.publish(Exchanges.WALLET_REQUESTS, new ConfirmationAnswer(envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER),
                user.whatsapp, confirm.expectationId(), "confirmation", "YES", "unlink"));
        reply("unlinked");
        var unlinked = broker.await(AccountUnlinked.class, user.userRef, e -> true);
        assertEquals("user", unlinked.reason());
        assertEquals(0L, count("select count(*) from flash_link where user_ref = $1"));
        assertEquals(1, user.logoutCalls());
    }

    @Test
    void anOldSessionAsksForACodeOnceAndThenAnswersTheBalance() throws Exception {
        link();
        pool.preparedQuery("update flash_link set verified_at = now() - interval '2 days', "
                + "last_activity_at = now() - interval '1 hour' where user_ref = $1")
                .execute(Tuple.of(user.userRef)).await().indefinitely();
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        var mfa = broker.await(ConversationExpectation.class, user.userRef, e -> e.context().startsWith("mfa:"));
        assertEquals(RoutingKeys.Expect.CODE, mfa.routingKey());
        var ask = reply("confirm it's you");
        assertTrue(ask.body().contains("6-digit code"));
        assertEquals(1, broker.all(OutboundMessage.class, user.userRef).size(), "one message says why and what to do");

        broker.publish(Exchanges.WALLET_REQUESTS, new ConfirmationAnswer(envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER),
                user.whatsapp, mfa.expectationId(), "code", user.code, mfa.context()));
        var balance = reply("Your Flash balance");
        assertTrue(balance.body().contains("J$19,396.58"));
        assertEquals(1, broker.all(ConversationExpectation.class, user.userRef).size(), "not asked again");
        assertEquals(1L, count("select count(*) from mfa_audit where user_ref = $1 and decision = 'STEP_UP'"));
        assertTrue(count("select count(*) from mfa_audit where user_ref = $1 and decision = 'ALLOW'") >= 1);
        assertEquals(0L, count("select count(*) from pending_request where user_ref = $1"));
    }

    @Test
    void balanceBeforeLinkingSaysHowToLink() throws Exception {
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        var reply = reply("isn't linked");
        assertEquals("link", reply.quickReplies().get(0).payload());
    }

    @Test
    void priceNeedsNoLinkAndUsesTheAskedCurrency() throws Exception {
        FlashStubs.price("JMD");
        broker.publish(Exchanges.WALLET_REQUESTS, new PriceRequest(envelope(RoutingKeys.Wallet.PRICE_GET),
                user.whatsapp, "jmd"));
        var price = reply("Bitcoin price");
        // 100,000,000 sats x 15.6789 JMD cents
        assertTrue(price.body().contains("1 BTC = J$15,678,900.00"), price.body());
        assertTrue(price.body().contains("1,000 sats = J$156.79"), price.body());
    }

    @Test
    void everyDocumentActuallySentToFlashIsValidAgainstTheRealSchema() throws Exception {
        // exercise every operation once: link (code request + login + me), balance, price, unlink (logout)
        user.flashSendsCodes();
        link();
        broker.publish(Exchanges.WALLET_REQUESTS, balanceRequest(false));
        reply("Your Flash balance");
        FlashStubs.price("USD");
        broker.publish(Exchanges.WALLET_REQUESTS, new PriceRequest(envelope(RoutingKeys.Wallet.PRICE_GET),
                user.whatsapp, "USD"));
        reply("Bitcoin price");
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountUnlinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_UNLINK),
                user.whatsapp));
        var confirm = broker.await(ConversationExpectation.class, user.userRef, e -> "unlink".equals(e.context()));
        broker.publish(Exchanges.WALLET_REQUESTS, new ConfirmationAnswer(envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER),
                user.whatsapp, confirm.expectationId(), "confirmation", "yes", "unlink"));
        reply("unlinked");

        var schema = graphql.schema.idl.UnExecutableSchemaGenerator.makeUnExecutableSchema(
                new graphql.schema.idl.SchemaParser().parse(java.nio.file.Files.readString(
                        java.nio.file.Path.of("../sandbox/src/main/resources/flash/flash-schema.graphql"))));
        var operations = new java.util.TreeSet<String>();
        for (var served : FlashWireMock.server().getAllServeEvents()) {
            var body = io.restassured.path.json.JsonPath.from(served.getRequest().getBodyAsString());
            String query = body.getString("query");
            String operation = body.getString("operationName");
            var result = graphql.ParseAndValidate.parseAndValidate(schema,
                    graphql.ExecutionInput.newExecutionInput(query).operationName(operation).build());
            assertEquals("[]", result.getErrors().toString(), operation + " as sent is invalid:\n" + query);
            operations.add(operation);
        }
        assertEquals(new java.util.TreeSet<>(com.flashapp.whatsapp.balance.client.FlashDocuments.OPERATIONS),
                operations, "every operation was sent and checked");
    }

    // ------------------------------------------------------------------ helpers

    private void link() throws Exception {
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                user.whatsapp, "en-JM"));
        broker.await(ConversationExpectation.class, user.userRef, e -> true);
        verify(user.code);
        reply("Welcome");
        broker.clear();
    }

    private void verify(String code) throws Exception {
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountVerifyRequest(envelope(RoutingKeys.Wallet.ACCOUNT_VERIFY),
                user.whatsapp, code));
    }

    private BalanceRequest balanceRequest(boolean refresh) {
        return new BalanceRequest(envelope(RoutingKeys.Wallet.BALANCE_GET), user.whatsapp, refresh);
    }

    private OutboundMessage reply(String containing) {
        return broker.await(OutboundMessage.class, user.userRef, m -> m.body().contains(containing));
    }

    private Envelope envelope(String type) {
        return Envelope.create(type, "SM" + UUID.randomUUID().toString().replace("-", ""), user.userRef);
    }

    private Envelope envelopeOf(String type) {
        return envelope(type);
    }

    private Row linkRow() {
        return pool.preparedQuery("select * from flash_link where user_ref = $1").execute(Tuple.of(user.userRef))
                .await().indefinitely().iterator().next();
    }

    private long count(String sql) {
        return pool.preparedQuery(sql).execute(Tuple.of(user.userRef)).await().indefinitely().iterator().next()
                .getLong(0);
    }
}
