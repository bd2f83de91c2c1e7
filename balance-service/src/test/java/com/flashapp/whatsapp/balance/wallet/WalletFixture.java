package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.balance.support.FlashStubs;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Envelope;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * A linked Flash user for wallet tests: the Flash side stubbed in WireMock (keyed by this user's token, so tests
 * cannot collide) and an active, verified link in PostgreSQL.
 */
final class WalletFixture {

    final FlashStubs flash;
    final String userRef;
    final String whatsapp;
    final String token;
    final String username;
    final String accountId;
    final String usdWallet;
    final String btcWallet;

    WalletFixture(Pool pool, LinkRepository links, TokenVault vault, Instant linkedAt) {
        this.flash = new FlashStubs();
        this.userRef = flash.userRef;
        this.whatsapp = flash.whatsapp;
        this.token = flash.token;
        this.username = flash.username;
        this.accountId = flash.accountId;
        this.usdWallet = "wusd-" + accountId;
        this.btcWallet = "wbtc-" + accountId;
        var link = new Link(userRef, accountId, "user-" + accountId, username, "JMD", btcWallet, "en-JM",
                vault.encrypt(token, userRef), Link.Status.ACTIVE, linkedAt, linkedAt, linkedAt);
        var now = Instant.now();
        pool.withTransaction(tx -> links.saveVerified(tx, link, now)).await().atMost(Duration.ofSeconds(10));
        pool.preparedQuery("update flash_link set linked_at = $2 where user_ref = $1")
                .execute(Tuple.of(userRef, linkedAt.atOffset(ZoneOffset.UTC))).await().atMost(Duration.ofSeconds(10));
    }

    Envelope envelope(String type) {
        return new Envelope(UUID.randomUUID(), "SM" + UUID.randomUUID().toString().replace("-", ""), Instant.now(),
                userRef, type);
    }

    /** A Flash operation for this user's token. */
    MappingBuilder operation(String name) {
        return post(urlEqualTo("/graphql")).withRequestBody(matchingJsonPath("$.operationName", equalTo(name)))
                .withHeader("Authorization", equalTo("Bearer " + token));
    }

    void stub(String operation, String dataJson) {
        FlashWireMock.server().stubFor(operation(operation).willReturn(okJson("{\"data\":" + dataJson + "}")));
    }

    /** Requests this user's token made for an operation, oldest first. */
    List<LoggedRequest> calls(String operation) {
        return FlashWireMock.server().findAll(postRequestedFor(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.operationName", equalTo(operation)))
                .withHeader("Authorization", equalTo("Bearer " + token)));
    }

    /** A transaction node as Flash returns it. */
    static String tx(String id, long createdAt, String direction, long amount, String currency, String memo,
                     String counterparty) {
        var via = counterparty == null
                ? "{\"__typename\":\"SettlementViaLn\"}"
                : "{\"__typename\":\"SettlementViaIntraLedger\",\"counterPartyUsername\":\"" + counterparty + "\"}";
        var initiation = counterparty == null
                ? "{\"__typename\":\"InitiationViaLn\"}"
                : "{\"__typename\":\"InitiationViaIntraLedger\",\"counterPartyUsername\":\"" + counterparty + "\"}";
        return "{\"id\":\"" + id + "\",\"createdAt\":" + createdAt + ",\"direction\":\"" + direction
                + "\",\"status\":\"SUCCESS\",\"memo\":" + (memo == null ? "null" : "\"" + memo + "\"")
                + ",\"settlementAmount\":" + amount + ",\"settlementFee\":0,\"settlementCurrency\":\"" + currency
                + "\",\"settlementDisplayAmount\":\"" + (amount * 157 / 100.0) + "\",\"settlementDisplayCurrency\":\"JMD\""
                + ",\"initiationVia\":" + initiation + ",\"settlementVia\":" + via + "}";
    }

    /** The account-level transaction list (newest first) as Flash returns it. */
    void transactions(List<String> nodes, boolean hasNextPage) {
        var edges = new StringBuilder("[");
        for (int i = 0; i < nodes.size(); i++) {
            edges.append(i == 0 ? "" : ",").append("{\"cursor\":\"c").append(i).append("\",\"node\":")
                    .append(nodes.get(i)).append('}');
        }
        edges.append(']');
        stub("Transactions", "{\"me\":{\"id\":\"u\",\"defaultAccount\":{\"id\":\"" + accountId
                + "\",\"displayCurrency\":\"JMD\",\"transactions\":{\"pageInfo\":{\"hasNextPage\":" + hasNextPage
                + ",\"endCursor\":null},\"edges\":" + edges + "}}}}");
    }

    /** The per-wallet lists (the bridge's reconciliation): all nodes in the USD wallet. */
    void walletTransactions(List<String> usdNodes) {
        var edges = new StringBuilder("[");
        for (int i = 0; i < usdNodes.size(); i++) {
            edges.append(i == 0 ? "" : ",").append("{\"node\":").append(usdNodes.get(i)).append('}');
        }
        edges.append(']');
        stub("WalletTransactions", "{\"me\":{\"id\":\"u\",\"defaultAccount\":{\"id\":\"" + accountId
                + "\",\"displayCurrency\":\"JMD\",\"wallets\":[{\"id\":\"" + btcWallet
                + "\",\"walletCurrency\":\"BTC\",\"transactions\":{\"edges\":[]}},{\"id\":\"" + usdWallet
                + "\",\"walletCurrency\":\"USD\",\"transactions\":{\"edges\":" + edges + "}}]}}}");
    }

    static OffsetDateTime ts(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
