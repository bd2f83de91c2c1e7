package com.flashapp.whatsapp.balance.support;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/** One simulated Flash user: phone, the right code, the token Flash issues, their account and wallets. */
public final class FlashStubs {

    public static final String PRICE_JSON = "{\"id\":\"p1\",\"timestamp\":1764244800,\"denominatorCurrency\":\"JMD\","
            + "\"btcSatPrice\":{\"base\":156789,\"offset\":4},\"usdCentPrice\":{\"base\":157,\"offset\":2}}";

    public final String phone;
    public final String whatsapp;
    public final String userRef;
    public final String code = "654321";
    public final String token;
    public final String accountId;
    public final String username;

    // distinct numbers within a run (stubs are keyed by phone), random across runs and engineers
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_PHONE =
            new java.util.concurrent.atomic.AtomicInteger(new java.util.Random().nextInt(10_000));

    private StubMapping balanceStub;

    /** A fresh 4-digit suffix for a test number +1876555xxxx. */
    public static String nextPhoneSuffix() {
        return String.format("%04d", Math.floorMod(NEXT_PHONE.getAndIncrement(), 10_000));
    }

    public FlashStubs() {
        var suffix = nextPhoneSuffix();
        var id = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        this.phone = "+1876555" + suffix;
        this.whatsapp = "whatsapp:" + phone;
        this.userRef = "u_test_" + id;
        this.token = "tok-" + id;
        this.accountId = "acc-" + id;
        this.username = "user_" + id;
        var server = FlashWireMock.server();
        server.stubFor(operation("UserLogin").atPriority(5)
                .withRequestBody(matchingJsonPath("$.variables.input.phone", equalTo(phone)))
                .willReturn(okJson("{\"data\":{\"userLogin\":{\"authToken\":null,\"totpRequired\":null,"
                        + "\"errors\":[{\"message\":\"Invalid or incorrect phone code entered.\","
                        + "\"code\":\"PHONE_CODE_ERROR\"}]}}}")));
        server.stubFor(operation("UserLogin").atPriority(1)
                .withRequestBody(matchingJsonPath("$.variables.input.phone", equalTo(phone)))
                .withRequestBody(matchingJsonPath("$.variables.input.code", equalTo(code)))
                .willReturn(okJson("{\"data\":{\"userLogin\":{\"authToken\":\"" + token
                        + "\",\"totpRequired\":false,\"errors\":[]}}}")));
        server.stubFor(operation("UserLogin").atPriority(1)
                .withRequestBody(matchingJsonPath("$.variables.input.phone", equalTo(phone)))
                .withRequestBody(matchingJsonPath("$.variables.input.code", equalTo("999999")))
                .willReturn(okJson("{\"data\":{\"userLogin\":{\"authToken\":null,\"totpRequired\":null,"
                        + "\"errors\":[{\"message\":\"The code has expired\",\"code\":\"CODE_EXPIRED_ERROR\"}]}}}")));
        server.stubFor(operation("Me").withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(okJson("{\"data\":{\"me\":{\"id\":\"user-" + id + "\",\"username\":\"" + username
                        + "\",\"defaultAccount\":{\"id\":\"" + accountId + "\",\"defaultWalletId\":\"wbtc-" + id
                        + "\",\"displayCurrency\":\"JMD\",\"wallets\":" + wallets(123456, "2550") + "}}}}")));
        server.stubFor(operation("UserLogout").withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(okJson("{\"data\":{\"userLogout\":{\"success\":true,\"errors\":[]}}}")));
        balance(123456, "2550");
        // by default Flash refuses to send this phone a code (as for most existing users): the app route
        server.stubFor(operation("PhoneCodeRequest").atPriority(5)
                .withRequestBody(matchingJsonPath("$.variables.input.phone", equalTo(phone)))
                .willReturn(okJson("{\"data\":{\"userPhoneRegistrationInitiate\":{\"success\":null,\"errors\":"
                        + "[{\"message\":\"Phone already exists\",\"code\":\"PHONE_ACCOUNT_ALREADY_EXISTS_ERROR\"}]}}}")));
    }

    /** Flash accepts the service token and sends this phone a code by WhatsApp. */
    public void flashSendsCodes() {
        FlashWireMock.server().stubFor(operation("PhoneCodeRequest").atPriority(1)
                .withHeader("Authorization", equalTo("Bearer " + FlashWireMock.SERVICE_TOKEN))
                .withRequestBody(matchingJsonPath("$.variables.input.phone", equalTo(phone)))
                .withRequestBody(matchingJsonPath("$.variables.input.channel", equalTo("WHATSAPP")))
                .willReturn(okJson("{\"data\":{\"userPhoneRegistrationInitiate\":{\"success\":true,\"errors\":[]}}}")));
    }

    /** Flash answers this user's balance with these figures. */
    public void balance(long sats, String usdCents) {
        replaceBalance(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"data\":{\"me\":{\"id\":\"u\",\"defaultAccount\":{\"id\":\"" + accountId
                        + "\",\"defaultWalletId\":\"w\",\"displayCurrency\":\"JMD\",\"realtimePrice\":" + PRICE_JSON
                        + ",\"wallets\":" + wallets(sats, usdCents) + "}}}}"));
    }

    /** Flash fails every balance read of this user with HTTP 500. */
    public void balanceDown() {
        replaceBalance(aResponse().withStatus(500).withBody("upstream exploded"));
    }

    /** Flash answers HTTP 200 with a NOT_AUTHENTICATED GraphQL error (how Flash's resolvers refuse a token). */
    public void tokenRefusedByGraphQL() {
        replaceBalance(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"errors\":[{\"message\":\"Not authenticated\",\"extensions\":"
                        + "{\"code\":\"NOT_AUTHENTICATED\"}}],\"data\":{\"me\":null}}"));
    }

    /** Flash no longer accepts this user's token: HTTP 401 from its gateway (Ory Oathkeeper's body). */
    public void tokenRevoked() {
        replaceBalance(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":401,\"status\":\"Unauthorized\","
                        + "\"message\":\"The request could not be authorized\"}}"));
    }

    public int logoutCalls() {
        return FlashWireMock.server().countRequestsMatching(postRequestedFor(urlEqualTo("/graphql"))
                .withRequestBody(matchingJsonPath("$.operationName", equalTo("UserLogout")))
                .withHeader("Authorization", equalTo("Bearer " + token)).build()).getCount();
    }

    private void replaceBalance(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
        var server = FlashWireMock.server();
        if (balanceStub != null) {
            server.removeStub(balanceStub);
        }
        balanceStub = server.stubFor(operation("Balance").withHeader("Authorization", equalTo("Bearer " + token))
                .willReturn(response));
    }

    private String wallets(long sats, String usdCents) {
        return "[{\"id\":\"wbtc-" + accountId + "\",\"walletCurrency\":\"BTC\",\"balance\":" + sats + "},"
                + "{\"id\":\"wusd-" + accountId + "\",\"walletCurrency\":\"USD\",\"balance\":" + usdCents + "}]";
    }

    static MappingBuilder operation(String name) {
        return post(urlEqualTo("/graphql")).withRequestBody(matchingJsonPath("$.operationName", equalTo(name)));
    }

    /** Realtime price of a currency for everyone. */
    public static void price(String currency) {
        FlashWireMock.server().stubFor(operation("RealtimePrice")
                .withRequestBody(matchingJsonPath("$.variables.currency", equalTo(currency)))
                .willReturn(okJson("{\"data\":{\"realtimePrice\":" + PRICE_JSON.replace("JMD", currency) + "}}")));
    }
}
