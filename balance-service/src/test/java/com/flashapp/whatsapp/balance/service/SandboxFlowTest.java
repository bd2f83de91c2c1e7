package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.support.BrokerProbe;
import com.flashapp.whatsapp.balance.support.SandboxFlash;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountVerifyRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.quarkus.redis.datasource.RedisDataSource;
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

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flows against the sandbox's Flash simulator, which executes every document we send against the real
 * Flash schema: link (the code requested in the Flash app), wrong code, verify, balance, price, Flash down, token revoked.
 */
@QuarkusTest
@WithTestResource(SandboxFlash.class)
class SandboxFlowTest {

    @Inject
    Pool pool;

    @Inject
    TokenVault vault;

    @Inject
    RedisDataSource redis;

    @Inject
    com.flashapp.whatsapp.balance.repository.CacheRepository cache;

    @Inject
    CircuitBreakerMaintenance breakers;

    BrokerProbe broker;
    String phone;
    String whatsapp;
    String userRef;
    String username;

    @BeforeEach
    void setUp() throws Exception {
        breakers.resetAll();
        broker = new BrokerProbe();
        var id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        phone = "+1876555" + com.flashapp.whatsapp.balance.support.FlashStubs.nextPhoneSuffix();
        whatsapp = "whatsapp:" + phone;
        userRef = "u_sandbox_" + id;
        username = "sb_" + id;
        given().baseUri(SandboxFlash.baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("phone", phone, "username", username, "btcSats", 250_000, "usdCents", 1234,
                        "displayCurrency", "JMD"))
                .post("/sandbox/flash/users").then().statusCode(200);
    }

    @AfterEach
    void tearDown() throws Exception {
        given().baseUri(SandboxFlash.baseUrl()).delete("/sandbox/flash/faults");
        broker.close();
    }

    @Test
    void linkWithACodeFromFlashThenBalanceThenFlashDownThenRevokedToken() throws Exception {
        broker.publish(Exchanges.WALLET_REQUESTS, new AccountLinkRequest(envelope(RoutingKeys.Wallet.ACCOUNT_LINK),
                whatsapp, "en-JM"));
        var expectation = broker.await(ConversationExpectation.class, userRef, e -> "link".equals(e.context()));
        reply("Open the Flash app");
        SandboxFlash.appRequestsCode(phone);
        String code = given().baseUri(SandboxFlash.baseUrl()).queryParam("phone", phone)
                .get("/sandbox/flash/otp").then().statusCode(200).extract().path("code");

        var wrong = code.equals("000000") ? "000001" : "000000";
        broker.publish(Exchanges.WALLET_REQUESTS, new ConfirmationAnswer(envelope(RoutingKeys.Wallet.CONFIRMATION_ANSWER),
                whatsapp, expectation.expectationId(), "code", wrong, "link"));
        reply("isn't right");

        broker.publish(Exchanges.WALLET_REQUESTS, new AccountVerifyRequest(envelope(RoutingKeys.Wallet.ACCOUNT_VERIFY),
                whatsapp, code));
        assertTrue(reply("Welcome").body().contains("@" + username));
        var linked = broker.await(AccountLinked.class, userRef, e -> true);
        assertEquals("JMD", linked.displayCurrency());

        broker.publish(Exchanges.WALLET_REQUESTS, balance(false));
        var balance = reply("Your Flash balance");
        assertTrue(balance.body().contains("250,000 sats"), balance.body());
        assertTrue(balance.body().contains("$12.34"), balance.body());
        assertTrue(balance.body().contains("J$"), balance.body());

        // Flash fails every request: the cached balance with its age
        given().baseUri(SandboxFlash.baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("mode", "http500", "rate", 1.0, "durationSeconds", 60))
                .post("/sandbox/flash/faults").then().statusCode(200);
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balance(true));
        var degraded = reply("last known balance");
        assertTrue(degraded.body().contains("as of") && degraded.body().contains("250,000 sats"), degraded.body());

        // ... and without a cached balance, a friendly answer
        broker.publish(Exchanges.FLASH_EVENTS, new PaymentReceived(new Envelope(UUID.randomUUID(), "tx", Instant.now(),
                userRef, RoutingKeys.FlashEvents.PAYMENT_RECEIVED), "tx-" + UUID.randomUUID(), linked.flashAccountId(),
                "w", "USD", 100, BigDecimal.ONE, "JMD", null, null, "subscription", Instant.now()));
        await().atMost(Duration.ofSeconds(15)).until(() -> !redis.key().exists(cache.balanceKey(userRef)));
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balance(false));
        assertFalse(reply("Flash is not answering").body().contains("Exception"));
        given().baseUri(SandboxFlash.baseUrl()).delete("/sandbox/flash/faults").then().statusCode(204);
        breakers.resetAll();

        // the user ends the session elsewhere: Flash answers 401, we ask them to link again
        var token = vault.decrypt(pool.preparedQuery("select token_ciphertext from flash_link where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getString(0), userRef);
        given().baseUri(SandboxFlash.baseUrl()).contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body(Map.of("query", "mutation { userLogout { success } }")).post("/graphql").then().statusCode(200);
        broker.clear();
        broker.publish(Exchanges.WALLET_REQUESTS, balance(true));
        reply("session has ended");
        assertEquals("token_revoked", broker.await(AccountUnlinked.class, userRef, e -> true).reason());
    }

    @Test
    void priceInTheAskedCurrency() throws Exception {
        broker.publish(Exchanges.WALLET_REQUESTS, new PriceRequest(envelope(RoutingKeys.Wallet.PRICE_GET), whatsapp,
                "JMD"));
        var price = reply("Bitcoin price");
        assertTrue(price.body().contains("1 BTC = J$"), price.body());
    }

    private BalanceRequest balance(boolean refresh) {
        return new BalanceRequest(envelope(RoutingKeys.Wallet.BALANCE_GET), whatsapp, refresh);
    }

    private OutboundMessage reply(String containing) {
        return broker.await(OutboundMessage.class, userRef, m -> m.body().contains(containing));
    }

    private Envelope envelope(String type) {
        return Envelope.create(type, "SM" + UUID.randomUUID().toString().replace("-", ""), userRef);
    }
}
