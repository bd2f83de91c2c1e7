package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.balance.service.IncomingMessageHandler;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** history.get and invoice.create through the handler, with Flash stubbed (WireMock) and the real broker/DB. */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
@WithTestResource(BridgeSocketStub.class)
class HistoryAndReceiveTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    IncomingMessageHandler handler;
    @Inject
    Pool pool;
    @Inject
    LinkRepository links;
    @Inject
    TokenVault vault;
    @Inject
    CircuitBreakerMaintenance breakers;

    WalletProbe probe;
    WalletFixture user;

    @BeforeEach
    void setUp() throws Exception {
        breakers.resetAll();
        com.flashapp.whatsapp.balance.support.FlashStubs.price("USD");
        probe = new WalletProbe();
        user = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
    }

    @AfterEach
    void tearDown() throws Exception {
        probe.close();
    }

    @Test
    void historyPagesThroughTransactionsAndShowsDetailsWithTheMemo() {
        var now = Instant.now().getEpochSecond();
        var nodes = new ArrayList<String>();
        for (int i = 1; i <= 7; i++) {
            nodes.add(WalletFixture.tx("tx" + i, now - i * 60, i % 2 == 0 ? "SEND" : "RECEIVE",
                    i % 2 == 0 ? -100L * i : 100L * i, "USD", null, i == 1 ? "bob" : null));
        }
        user.transactions(nodes, false);
        user.stub("TransactionDetails", "{\"transactionDetails\":{\"errors\":[],\"transactionDetails\":{\"id\":\"tx6\","
                + "\"memo\":\"lunch money\",\"fee\":0,\"invoice\":null,\"status\":\"SUCCESS\",\"type\":\"lightning\"}}}");

        handle(new HistoryRequest(user.envelope(RoutingKeys.Wallet.HISTORY_GET), user.whatsapp, null, false, null));
        var first = probe.reply(user.userRef, "latest transactions");
        assertTrue(first.body().contains("1. ⬇️ +$1.00"), first.body());
        assertTrue(first.body().contains("from @bob"), first.body());
        assertTrue(first.body().contains("5. "), first.body());
        assertFalse(first.body().contains("6. "), first.body());
        assertTrue(first.quickReplies().stream().anyMatch(q -> q.payload().equals("history more")));
        assertEquals(5, new JsonObject(user.calls("Transactions").get(0).getBodyAsString())
                .getJsonObject("variables").getInteger("first"));

        handle(new HistoryRequest(user.envelope(RoutingKeys.Wallet.HISTORY_GET), user.whatsapp, null, true, null));
        var more = probe.reply(user.userRef, "Older transactions");
        assertTrue(more.body().contains("6. ⬆️ -$6.00"), more.body());
        assertTrue(more.body().contains("7. "), more.body());
        assertFalse(more.body().contains("\n5. "), more.body());
        assertEquals(10, new JsonObject(user.calls("Transactions").get(1).getBodyAsString())
                .getJsonObject("variables").getInteger("first"));

        handle(new HistoryRequest(user.envelope(RoutingKeys.Wallet.HISTORY_GET), user.whatsapp, null, false, 6));
        var detail = probe.reply(user.userRef, "Transaction 6");
        assertTrue(detail.body().contains("Memo: lunch money"), detail.body());
        assertTrue(detail.body().contains("Direction: sent"), detail.body());
        assertTrue(detail.body().contains("Id: tx6"), detail.body());
    }

    @Test
    void historyWithoutAVerifiedSessionAsksForACodeFirst() {
        pool.preparedQuery("update flash_link set verified_at = null where user_ref = $1")
                .execute(Tuple.of(user.userRef)).await().atMost(WAIT);
        handle(new HistoryRequest(user.envelope(RoutingKeys.Wallet.HISTORY_GET), user.whatsapp, 20, false, null));
        var expectation = probe.await(ConversationExpectation.class, user.userRef, e -> true);
        assertEquals(RoutingKeys.Expect.CODE, expectation.routingKey());
        assertTrue(expectation.context().startsWith("mfa:"), expectation.context());
        assertTrue(user.calls("Transactions").isEmpty(), "no history before the code");
    }

    @Test
    void receiveCreatesTheInvoiceOnTheRightWalletAndRepliesWithItAndTheLightningAddress() {
        var invoice = "lnbc100u1p" + "qpzry9x8gf2tvdw0s3jn54khce6mua7l".repeat(6);
        user.stub("LnUsdInvoiceCreate", "{\"lnUsdInvoiceCreate\":{\"errors\":[],\"invoice\":{\"paymentRequest\":\""
                + invoice + "\",\"paymentHash\":\"" + "ab".repeat(32) + "\",\"satoshis\":10000}}}");
        user.stub("LnInvoiceCreate", "{\"lnInvoiceCreate\":{\"errors\":[],\"invoice\":{\"paymentRequest\":\""
                + invoice + "\",\"paymentHash\":\"" + "cd".repeat(32) + "\",\"satoshis\":500}}}");
        user.stub("LnNoAmountInvoiceCreate", "{\"lnNoAmountInvoiceCreate\":{\"errors\":[],\"invoice\":{"
                + "\"paymentRequest\":\"" + invoice + "\",\"paymentHash\":\"" + "ef".repeat(32) + "\"}}}");

        handle(new InvoiceCreateRequest(user.envelope(RoutingKeys.Wallet.INVOICE_CREATE), user.whatsapp,
                new Amount(new BigDecimal("10"), "USD"), "for lunch"));
        var info = probe.reply(user.userRef, "Your invoice");
        assertTrue(info.body().contains("$10.00"), info.body());
        assertTrue(info.body().contains(user.username + "@flashapp.me"), info.body());
        var bare = probe.await(OutboundMessage.class, user.userRef, m -> invoice.equals(m.body()));
        assertEquals(user.whatsapp, bare.to());
        var usdInput = new JsonObject(user.calls("LnUsdInvoiceCreate").get(0).getBodyAsString())
                .getJsonObject("variables").getJsonObject("input");
        assertEquals(user.usdWallet, usdInput.getString("walletId"));
        assertEquals(1000, usdInput.getInteger("amount"), "cents");
        assertEquals("for lunch", usdInput.getString("memo"));

        handle(new InvoiceCreateRequest(user.envelope(RoutingKeys.Wallet.INVOICE_CREATE), user.whatsapp,
                new Amount(new BigDecimal("500"), "SATS"), null));
        probe.reply(user.userRef, "500 sats");
        var satsInput = new JsonObject(user.calls("LnInvoiceCreate").get(0).getBodyAsString())
                .getJsonObject("variables").getJsonObject("input");
        assertEquals(user.btcWallet, satsInput.getString("walletId"));
        assertEquals(500, satsInput.getInteger("amount"));

        handle(new InvoiceCreateRequest(user.envelope(RoutingKeys.Wallet.INVOICE_CREATE), user.whatsapp, null, null));
        probe.reply(user.userRef, "the payer chooses");
        assertEquals(1, user.calls("LnNoAmountInvoiceCreate").size());
    }

    @Test
    void receiveEnforcesTheLimitsAndTheMemoLength() {
        handle(new InvoiceCreateRequest(user.envelope(RoutingKeys.Wallet.INVOICE_CREATE), user.whatsapp,
                new Amount(new BigDecimal("5000"), "USD"), null));
        probe.reply(user.userRef, "more than I can ask for");
        handle(new InvoiceCreateRequest(user.envelope(RoutingKeys.Wallet.INVOICE_CREATE), user.whatsapp,
                new Amount(new BigDecimal("5"), "USD"), "x".repeat(300)));
        probe.reply(user.userRef, "too long");
        handle(new InvoiceCreateRequest(user.envelope(RoutingKeys.Wallet.INVOICE_CREATE), user.whatsapp,
                new Amount(new BigDecimal("0.001"), "USD"), null));
        probe.reply(user.userRef, "at most 2 decimals");
        assertTrue(user.calls("LnUsdInvoiceCreate").isEmpty(), "Flash is not asked for refused invoices");
    }

    private void handle(com.flashapp.whatsapp.contracts.ContractMessage message) {
        handler.handle(message).await().atMost(WAIT);
    }

    static List<String> bodies(List<OutboundMessage> messages) {
        return messages.stream().map(OutboundMessage::body).toList();
    }
}
