package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.bridge.BridgeLeases;
import com.flashapp.whatsapp.balance.bridge.FlashBridge;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Flash event bridge against a graphql-ws stub: exactly-once events, reconnect + reconcile, leases. */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
@WithTestResource(BridgeSocketStub.class)
class BridgeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    FlashBridge bridge;
    @Inject
    BridgeLeases leases;
    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    Pool pool;
    @Inject
    LinkRepository links;
    @Inject
    TokenVault vault;
    @Inject
    CircuitBreakerMaintenance breakers;
    @ConfigProperty(name = "app.redis.key-prefix")
    String prefix;

    WalletProbe probe;
    WalletFixture user;
    List<String> nodes;
    OtherReplica others;

    @BeforeEach
    void setUp() throws Exception {
        breakers.resetAll();
        probe = new WalletProbe();
        user = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(600));
        BridgeSocketStub.accept(user.token);
        // a payment from before the link: history, never reported
        nodes = new ArrayList<>(List.of(WalletFixture.tx("old-" + user.accountId,
                Instant.now().minusSeconds(7200).getEpochSecond(), "RECEIVE", 700, "USD", null, null)));
        user.walletTransactions(nodes);
        others = new OtherReplica(redis, prefix);
        others.holdAllBut(pool, java.util.Set.of(user.userRef));
    }

    @AfterEach
    void tearDown() throws Exception {
        bridge.releaseAll().await().atMost(WAIT);
        others.releaseAll();
        probe.close();
    }

    @Test
    void aPaymentProducesExactlyOnePaymentReceivedAlsoAcrossAForcedReconnect() {
        bridge.tick().await().atMost(WAIT);
        assertEquals(java.util.Set.of(user.userRef), bridge.held(), "the other replica holds everyone else");
        await().atMost(WAIT).until(() -> bridge.subscribed(user.userRef) && BridgeSocketStub.isSubscribed(user.token));

        // Flash settles a payment and notifies the subscription (twice, as a flaky upstream might)
        var first = "pay1-" + user.accountId;
        nodes.add(0, WalletFixture.tx(first, Instant.now().getEpochSecond(), "RECEIVE", 1234, "USD", "for lunch", null));
        user.walletTransactions(nodes);
        BridgeSocketStub.pushPaid(user.token, user.usdWallet);
        BridgeSocketStub.pushPaid(user.token, user.usdWallet);
        var received = probe.await(PaymentReceived.class, user.userRef, e -> e.transactionId().equals(first));
        assertEquals(1234, received.amountMinor());
        assertEquals(user.usdWallet, received.walletId());
        assertEquals("for lunch", received.memo());
        assertEquals(user.accountId, received.flashAccountId());

        // the connection drops; a payment arrives while it is down; the reconnect reconciles it
        var subscriptions = BridgeSocketStub.subscriptionCount(user.token);
        BridgeSocketStub.drop(user.token);
        var second = "pay2-" + user.accountId;
        nodes.add(0, WalletFixture.tx(second, Instant.now().getEpochSecond(), "RECEIVE", 99, "USD", null, "carol"));
        user.walletTransactions(nodes);
        await().atMost(WAIT).until(() -> BridgeSocketStub.subscriptionCount(user.token) > subscriptions);
        var missed = probe.await(PaymentReceived.class, user.userRef, e -> e.transactionId().equals(second));
        assertEquals("carol", missed.counterparty());

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                probe.all(PaymentReceived.class, user.userRef).size() == 2);
        assertTrue(probe.all(PaymentReceived.class, user.userRef).stream()
                .noneMatch(e -> e.transactionId().startsWith("old-")), "nothing from before the link");
    }

    @Test
    void twoReplicasNeverHoldTheSameUser() {
        var other = new BridgeLeases(redis, prefix, 5_000, "replica-other-" + UUID.randomUUID());
        bridge.tick().await().atMost(WAIT);
        assertTrue(bridge.held().contains(user.userRef));
        assertFalse(other.acquire(user.userRef).await().atMost(WAIT), "the lease is taken");
        assertFalse(other.renew(user.userRef).await().atMost(WAIT));
        assertEquals(leases.replicaId(), other.holder(user.userRef).await().atMost(WAIT));

        // the holder lets go (shutdown): the other replica takes over at once, and the first cannot renew
        bridge.releaseAll().await().atMost(WAIT);
        assertTrue(other.acquire(user.userRef).await().atMost(WAIT));
        assertFalse(leases.renew(user.userRef).await().atMost(WAIT));
        bridge.tick().await().atMost(WAIT);
        assertFalse(bridge.held().contains(user.userRef), "held by the other replica");

        // the other replica dies without letting go: its lease expires and this replica takes over
        await().atMost(WAIT).until(() -> other.holder(user.userRef).await().atMost(WAIT) == null);
        bridge.tick().await().atMost(WAIT);
        assertTrue(bridge.held().contains(user.userRef));
        other.release(user.userRef).await().atMost(WAIT);
        assertEquals(leases.replicaId(), leases.holder(user.userRef).await().atMost(WAIT), "only the holder releases");
    }
}
