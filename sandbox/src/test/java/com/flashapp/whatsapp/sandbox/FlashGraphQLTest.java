package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.flashapp.whatsapp.sandbox.TestData.graphql;
import static com.flashapp.whatsapp.sandbox.TestData.login;
import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static com.flashapp.whatsapp.sandbox.TestData.randomUsername;
import static com.flashapp.whatsapp.sandbox.TestData.user;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@QuarkusTestResource(FakeGateway.class)
class FlashGraphQLTest {

    static final String ME = """
            query me {
              me {
                id phone username language createdAt totpEnabled
                defaultAccount {
                  id defaultWalletId displayCurrency level
                  wallets { id walletCurrency balance pendingIncomingBalance isExternal lnurlp }
                  realtimePrice { id timestamp denominatorCurrency btcSatPrice { base offset } usdCentPrice { base offset } }
                }
              }
            }""";

    static final String TXS = """
            query txs($first: Int, $after: String) {
              me { defaultAccount {
                transactions(first: $first, after: $after) {
                  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                  edges { cursor node {
                    id createdAt direction status memo
                    settlementAmount settlementFee settlementCurrency
                    settlementDisplayAmount settlementDisplayFee settlementDisplayCurrency
                    settlementPrice { base offset currencyUnit }
                    initiationVia { __typename
                      ... on InitiationViaIntraLedger { counterPartyUsername counterPartyWalletId }
                      ... on InitiationViaLn { paymentHash }
                      ... on InitiationViaOnChain { address } }
                    settlementVia { __typename
                      ... on SettlementViaIntraLedger { counterPartyUsername counterPartyWalletId }
                      ... on SettlementViaLn { preImage }
                      ... on SettlementViaOnChain { transactionHash vout } }
                  } }
                } } }
            }""";

    static final String USD_SEND = """
            mutation intraLedgerUsdPaymentSend($input: IntraLedgerUsdPaymentSendInput!) {
              intraLedgerUsdPaymentSend(input: $input) { status errors { message code path } }
            }""";

    static final String BTC_SEND = """
            mutation intraLedgerPaymentSend($input: IntraLedgerPaymentSendInput!) {
              intraLedgerPaymentSend(input: $input) { status errors { message code path } }
            }""";

    static final String DEFAULT_WALLET = """
            query accountDefaultWallet($username: Username!, $walletCurrency: WalletCurrency) {
              accountDefaultWallet(username: $username, walletCurrency: $walletCurrency) { id walletCurrency lnurlp }
            }""";

    @AfterEach
    void clearFaults() {
        given().delete("/sandbox/flash/faults").then().statusCode(204);
    }

    @Test
    void logsInWithTheCodeFromTheControlApiAndReadsMe() {
        var phone = randomPhone();
        var created = user(phone, randomUsername(), 21_000, 1_234);
        var token = login(phone);
        assertNotNull(token);

        var me = graphql(token, ME, Map.of());
        assertEquals(phone, me.getString("data.me.phone"));
        assertEquals(created.getString("usdWalletId"), me.getString("data.me.defaultAccount.defaultWalletId"));
        assertEquals("USD", me.getString("data.me.defaultAccount.displayCurrency"));
        List<Map<String, Object>> wallets = me.getList("data.me.defaultAccount.wallets");
        assertEquals(2, wallets.size());
        assertTrue(wallets.stream().anyMatch(w -> "BTC".equals(w.get("walletCurrency"))
                && ((Number) w.get("balance")).longValue() == 21_000));
        assertTrue(wallets.stream().anyMatch(w -> "USD".equals(w.get("walletCurrency"))
                && ((Number) w.get("balance")).longValue() == 1_234));
        assertEquals(12, me.getInt("data.me.defaultAccount.realtimePrice.usdCentPrice.offset"));
    }

    @Test
    void otpReadBackHasPhoneCodeChannelAndExpiry() {
        var phone = randomPhone();
        graphql(null, TestData.INITIATE, Map.of("input", Map.of("phone", phone, "channel", "SMS")));
        given().queryParam("phone", phone).get("/sandbox/flash/otp").then().statusCode(200)
                .body("phone", is(phone)).body("channel", is("SMS"))
                .body("code", Matchers.matchesPattern("^[0-9]{6}$"))
                .body("expiresAt", Matchers.notNullValue());
        given().queryParam("phone", randomPhone()).get("/sandbox/flash/otp").then().statusCode(404);
    }

    @Test
    void unknownPhoneIsRegisteredOnFirstLogin() {
        var phone = randomPhone();
        var token = login(phone);
        assertNotNull(token);
        assertEquals(phone, graphql(token, ME, Map.of()).getString("data.me.phone"));
    }

    @Test
    void wrongCodeGivesPhoneCodeErrorAndAttemptsAreLimited() {
        var phone = randomPhone();
        graphql(null, TestData.INITIATE, Map.of("input", Map.of("phone", phone, "channel", "WHATSAPP")));
        var code = given().queryParam("phone", phone).get("/sandbox/flash/otp").jsonPath().getString("code");
        var wrong = code.equals("000000") ? "111111" : "000000";
        for (int i = 0; i < 5; i++) {
            var result = graphql(null, TestData.LOGIN, Map.of("input", Map.of("phone", phone, "code", wrong)));
            assertNull(result.get("data.userLogin.authToken"));
            assertEquals("PHONE_CODE_ERROR", result.getString("data.userLogin.errors[0].code"));
        }
        var locked = graphql(null, TestData.LOGIN, Map.of("input", Map.of("phone", phone, "code", code)));
        assertNull(locked.get("data.userLogin.authToken"));
        assertEquals("TOO_MANY_REQUEST", locked.getString("data.userLogin.errors[0].code"));
    }

    @Test
    void codeRequestsAreRateLimitedPerPhone() {
        var phone = randomPhone();
        var input = Map.<String, Object>of("input", Map.of("phone", phone, "channel", "WHATSAPP"));
        for (int i = 0; i < 20; i++) {
            assertTrue(graphql(null, TestData.INITIATE, input).getBoolean("data.userPhoneRegistrationInitiate.success"));
        }
        var limited = graphql(null, TestData.INITIATE, input);
        assertFalse(limited.getBoolean("data.userPhoneRegistrationInitiate.success"));
        assertEquals("TOO_MANY_REQUEST", limited.getString("data.userPhoneRegistrationInitiate.errors[0].code"));
    }

    @Test
    void expiredCodeIsRejected() {
        var phone = randomPhone();
        graphql(null, TestData.INITIATE, Map.of("input", Map.of("phone", phone, "channel", "WHATSAPP")));
        var code = given().queryParam("phone", phone).get("/sandbox/flash/otp").jsonPath().getString("code");
        given().queryParam("phone", phone).post("/sandbox/flash/otp/expire").then().statusCode(204);
        var result = graphql(null, TestData.LOGIN, Map.of("input", Map.of("phone", phone, "code", code)));
        assertNull(result.get("data.userLogin.authToken"));
        assertEquals("PHONE_CODE_ERROR", result.getString("data.userLogin.errors[0].code"));
    }

    @Test
    void invalidDocumentsFailLikeTheRealApi() {
        var syntax = graphql(null, "query { me { id ", Map.of());
        assertEquals("GRAPHQL_PARSE_FAILED", syntax.getString("errors[0].extensions.code"));

        var unknownField = graphql(null, "query { me { id shoeSize } }", Map.of());
        assertEquals("GRAPHQL_VALIDATION_FAILED", unknownField.getString("errors[0].extensions.code"));
        assertTrue(unknownField.getString("errors[0].message").contains("shoeSize"));
        assertNull(unknownField.get("data"));

        var wrongType = graphql(null, DEFAULT_WALLET, Map.of("username", List.of("not", "a", "string")));
        assertEquals("BAD_USER_INPUT", wrongType.getString("errors[0].extensions.code"));

        var badAmount = graphql(null, BTC_SEND, Map.of("input", Map.of("walletId", UUID.randomUUID().toString(),
                "recipientWalletId", UUID.randomUUID().toString(), "amount", "lots")));
        assertEquals("BAD_USER_INPUT", badAmount.getString("errors[0].extensions.code"));
        assertTrue(badAmount.getString("errors[0].message").contains("SatAmount"));
    }

    @Test
    void unauthenticatedRequestsGetTheRealBehaviour() {
        var me = graphql(null, ME, Map.of());
        assertEquals("NOT_AUTHENTICATED", me.getString("errors[0].extensions.code"));
        assertNull(me.get("data.me"));

        var send = graphql(null, USD_SEND, Map.of("input", Map.of("walletId", UUID.randomUUID().toString(),
                "recipientWalletId", UUID.randomUUID().toString(), "amount", 100)));
        assertEquals("NOT_AUTHENTICATED", send.getString("errors[0].extensions.code"));

        // an empty Authorization header is anonymous, like the mobile app's
        given().contentType(ContentType.JSON).header("Authorization", "")
                .body(Map.of("query", "query { realtimePrice(currency: \"USD\") { denominatorCurrency } }"))
                .post("/graphql").then().statusCode(200).body("data.realtimePrice.denominatorCurrency", is("USD"));

        given().contentType(ContentType.JSON).header("Authorization", "Bearer not-a-session")
                .body(Map.of("query", ME)).post("/graphql").then().statusCode(401);
    }

    @Test
    void logoutEndsTheSession() {
        var phone = randomPhone();
        user(phone, randomUsername(), 0, 0);
        var token = login(phone);
        var result = graphql(token, "mutation { userLogout(input: {deviceToken: \"x\"}) { success errors { message } } }",
                Map.of());
        assertTrue(result.getBoolean("data.userLogout.success"));
        given().contentType(ContentType.JSON).header("Authorization", "Bearer " + token)
                .body(Map.of("query", ME)).post("/graphql").then().statusCode(401);
    }

    @Test
    void usdPaymentWithIdempotencyKeyPaysOnce() {
        var payerPhone = randomPhone();
        user(payerPhone, randomUsername(), 0, 10_000);
        var payeeName = randomUsername();
        var payeePhone = randomPhone();
        var payee = user(payeePhone, payeeName, 0, 0);
        var token = login(payerPhone);
        var walletId = graphql(token, ME, Map.of()).getString("data.me.defaultAccount.defaultWalletId");
        var recipient = graphql(null, DEFAULT_WALLET, Map.of("username", payeeName, "walletCurrency", "USD"));
        assertEquals(payee.getString("usdWalletId"), recipient.getString("data.accountDefaultWallet.id"));

        var input = Map.<String, Object>of("walletId", walletId,
                "recipientWalletId", recipient.getString("data.accountDefaultWallet.id"),
                "amount", 2_500, "memo", "lunch", "idempotencyKey", UUID.randomUUID().toString());
        for (int i = 0; i < 2; i++) {
            var result = graphql(token, USD_SEND, Map.of("input", input));
            assertEquals("SUCCESS", result.getString("data.intraLedgerUsdPaymentSend.status"));
            assertTrue(result.getList("data.intraLedgerUsdPaymentSend.errors").isEmpty());
        }
        given().queryParam("phone", payerPhone).get("/sandbox/flash/users").then().body("[0].usdCents", is(7_500));
        given().queryParam("phone", payeePhone).get("/sandbox/flash/users").then().body("[0].usdCents", is(2_500));

        var payeeTxs = graphql(login(payeePhone), TXS, Map.of("first", 10));
        assertEquals("RECEIVE", payeeTxs.getString("data.me.defaultAccount.transactions.edges[0].node.direction"));
        assertEquals("lunch", payeeTxs.getString("data.me.defaultAccount.transactions.edges[0].node.memo"));
        assertEquals("InitiationViaIntraLedger",
                payeeTxs.getString("data.me.defaultAccount.transactions.edges[0].node.initiationVia.__typename"));
    }

    @Test
    void paymentErrorsCarryTheRealCodes() {
        var phone = randomPhone();
        var payer = user(phone, randomUsername(), 1_000, 100);
        var other = user(randomPhone(), randomUsername(), 0, 0);
        var token = login(phone);

        var insufficient = graphql(token, USD_SEND, Map.of("input", Map.of("walletId", payer.getString("usdWalletId"),
                "recipientWalletId", other.getString("usdWalletId"), "amount", 101)));
        assertEquals("FAILURE", insufficient.getString("data.intraLedgerUsdPaymentSend.status"));
        assertEquals("INSUFFICIENT_BALANCE", insufficient.getString("data.intraLedgerUsdPaymentSend.errors[0].code"));

        var self = graphql(token, BTC_SEND, Map.of("input", Map.of("walletId", payer.getString("btcWalletId"),
                "recipientWalletId", payer.getString("usdWalletId"), "amount", 10)));
        assertEquals("CANT_PAY_SELF", self.getString("data.intraLedgerPaymentSend.errors[0].code"));

        var unknown = graphql(token, BTC_SEND, Map.of("input", Map.of("walletId", payer.getString("btcWalletId"),
                "recipientWalletId", UUID.randomUUID().toString(), "amount", 10)));
        assertEquals("NOT_FOUND", unknown.getString("data.intraLedgerPaymentSend.errors[0].code"));

        var notMine = graphql(token, BTC_SEND, Map.of("input", Map.of("walletId", other.getString("btcWalletId"),
                "recipientWalletId", payer.getString("btcWalletId"), "amount", 10)));
        assertEquals("NOT_AUTHORIZED", notMine.getString("errors[0].extensions.code"));

        var btc = graphql(token, BTC_SEND, Map.of("input", Map.of("walletId", payer.getString("btcWalletId"),
                "recipientWalletId", other.getString("btcWalletId"), "amount", 400)));
        assertEquals("SUCCESS", btc.getString("data.intraLedgerPaymentSend.status"));
        given().queryParam("phone", phone).get("/sandbox/flash/users").then().body("[0].btcSats", is(600));
    }

    @Test
    void invoicesAreBolt11LikeDeterministicAndPayable() {
        var payeePhone = randomPhone();
        var payee = user(payeePhone, randomUsername(), 0, 0);
        var payerPhone = randomPhone();
        var payer = user(payerPhone, randomUsername(), 50_000, 5_000);
        var payeeToken = login(payeePhone);

        var usdInvoice = graphql(payeeToken, """
                mutation lnUsdInvoiceCreate($input: LnUsdInvoiceCreateInput!) {
                  lnUsdInvoiceCreate(input: $input) { errors { message code } invoice { paymentRequest paymentHash paymentSecret satoshis } }
                }""", Map.of("input", Map.of("walletId", payee.getString("usdWalletId"), "amount", 300, "memo", "coffee")));
        var request = usdInvoice.getString("data.lnUsdInvoiceCreate.invoice.paymentRequest");
        assertTrue(request.matches("^lnbc[0-9]+n1[qpzry9x8gf2tvdw0s3jn54khce6mua7l]+$"), request);
        assertEquals(64, usdInvoice.getString("data.lnUsdInvoiceCreate.invoice.paymentHash").length());

        var btcInvoice = graphql(payeeToken, """
                mutation lnInvoiceCreate($input: LnInvoiceCreateInput!) {
                  lnInvoiceCreate(input: $input) { errors { message code } invoice { paymentRequest satoshis } }
                }""", Map.of("input", Map.of("walletId", payee.getString("btcWalletId"), "amount", 1_000)));
        assertEquals(1_000, btcInvoice.getInt("data.lnInvoiceCreate.invoice.satoshis"));

        var noAmount = graphql(payeeToken, """
                mutation lnNoAmountInvoiceCreate($input: LnNoAmountInvoiceCreateInput!) {
                  lnNoAmountInvoiceCreate(input: $input) { errors { message code } invoice { paymentRequest paymentHash } }
                }""", Map.of("input", Map.of("walletId", payee.getString("usdWalletId"))));
        assertTrue(noAmount.getString("data.lnNoAmountInvoiceCreate.invoice.paymentRequest").startsWith("lnbc1"));
        assertNotEquals(request, noAmount.getString("data.lnNoAmountInvoiceCreate.invoice.paymentRequest"));

        var payerToken = login(payerPhone);
        var pay = """
                mutation lnInvoicePaymentSend($input: LnInvoicePaymentInput!) {
                  lnInvoicePaymentSend(input: $input) { status errors { message code path } }
                }""";
        var paid = graphql(payerToken, pay, Map.of("input", Map.of("walletId", payer.getString("usdWalletId"),
                "paymentRequest", request)));
        assertEquals("SUCCESS", paid.getString("data.lnInvoicePaymentSend.status"));
        given().queryParam("phone", payeePhone).get("/sandbox/flash/users").then().body("[0].usdCents", is(300));
        given().queryParam("phone", payerPhone).get("/sandbox/flash/users").then().body("[0].usdCents", is(4_700));

        var again = graphql(payerToken, pay, Map.of("input", Map.of("walletId", payer.getString("usdWalletId"),
                "paymentRequest", request)));
        assertEquals("ALREADY_PAID", again.getString("data.lnInvoicePaymentSend.status"));

        var status = graphql(null, """
                query lnInvoicePaymentStatus($input: LnInvoicePaymentStatusInput!) {
                  lnInvoicePaymentStatus(input: $input) { status errors { message } }
                }""", Map.of("input", Map.of("paymentRequest", request)));
        assertEquals("PAID", status.getString("data.lnInvoicePaymentStatus.status"));
    }

    @Test
    void noAmountInvoicesArePaidWithTheAmountGivenFromEitherWallet() {
        var payeePhone = randomPhone();
        var payee = user(payeePhone, randomUsername(), 0, 0);
        var payerPhone = randomPhone();
        var payer = user(payerPhone, randomUsername(), 50_000, 5_000);
        var createNoAmount = """
                mutation lnNoAmountInvoiceCreate($input: LnNoAmountInvoiceCreateInput!) {
                  lnNoAmountInvoiceCreate(input: $input) { errors { message code } invoice { paymentRequest } }
                }""";
        var payeeToken = login(payeePhone);
        var forBtc = graphql(payeeToken, createNoAmount, Map.of("input", Map.of("walletId",
                payee.getString("btcWalletId")))).getString("data.lnNoAmountInvoiceCreate.invoice.paymentRequest");
        var forUsd = graphql(payeeToken, createNoAmount, Map.of("input", Map.of("walletId",
                payee.getString("usdWalletId")))).getString("data.lnNoAmountInvoiceCreate.invoice.paymentRequest");

        var payerToken = login(payerPhone);
        var btcPay = """
                mutation lnNoAmountInvoicePaymentSend($input: LnNoAmountInvoicePaymentInput!) {
                  lnNoAmountInvoicePaymentSend(input: $input) { status errors { message code } }
                }""";
        var key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            var paid = graphql(payerToken, btcPay, Map.of("input", Map.of("walletId", payer.getString("btcWalletId"),
                    "paymentRequest", forBtc, "amount", 2_000, "idempotencyKey", key)));
            assertEquals("SUCCESS", paid.getString("data.lnNoAmountInvoicePaymentSend.status"), "same key: once");
        }
        given().queryParam("phone", payerPhone).get("/sandbox/flash/users").then().body("[0].btcSats", is(48_000));
        given().queryParam("phone", payeePhone).get("/sandbox/flash/users").then().body("[0].btcSats", is(2_000));

        var usdPay = """
                mutation lnNoAmountUsdInvoicePaymentSend($input: LnNoAmountUsdInvoicePaymentInput!) {
                  lnNoAmountUsdInvoicePaymentSend(input: $input) { status errors { message code } }
                }""";
        var usd = graphql(payerToken, usdPay, Map.of("input", Map.of("walletId", payer.getString("usdWalletId"),
                "paymentRequest", forUsd, "amount", 150)));
        assertEquals("SUCCESS", usd.getString("data.lnNoAmountUsdInvoicePaymentSend.status"));
        given().queryParam("phone", payerPhone).get("/sandbox/flash/users").then().body("[0].usdCents", is(4_850));
        given().queryParam("phone", payeePhone).get("/sandbox/flash/users").then().body("[0].usdCents", is(150));
        var again = graphql(payerToken, usdPay, Map.of("input", Map.of("walletId", payer.getString("usdWalletId"),
                "paymentRequest", forUsd, "amount", 150)));
        assertEquals("ALREADY_PAID", again.getString("data.lnNoAmountUsdInvoicePaymentSend.status"));

        var wrongWallet = graphql(payerToken, usdPay, Map.of("input", Map.of("walletId",
                payer.getString("btcWalletId"), "paymentRequest", forBtc, "amount", 10)));
        assertEquals("INVALID_INPUT", wrongWallet.getString("data.lnNoAmountUsdInvoicePaymentSend.errors[0].code"));
        var tooMuch = graphql(payerToken, btcPay, Map.of("input", Map.of("walletId", payer.getString("btcWalletId"),
                "paymentRequest", forBtc, "amount", 1_000_000)));
        assertEquals("INSUFFICIENT_BALANCE", tooMuch.getString("data.lnNoAmountInvoicePaymentSend.errors[0].code"));
        var noKeyField = graphql(payerToken, """
                mutation lnNoAmountUsdInvoicePaymentSend($input: LnNoAmountUsdInvoicePaymentInput!) {
                  lnNoAmountUsdInvoicePaymentSend(input: $input) { status }
                }""", Map.of("input", Map.of("walletId", payer.getString("usdWalletId"), "paymentRequest", forUsd,
                "amount", 1, "idempotencyKey", key)));
        assertEquals("BAD_USER_INPUT", noKeyField.getString("errors[0].extensions.code"),
                "the real USD input has no idempotencyKey");
    }

    @Test
    void lnurlPayOfTheOutsideWalletGivesAnExternalInvoiceForTheAmountAsked() {
        var pay = given().get("/sandbox/lnurl/.well-known/lnurlp/dave").then().statusCode(200).extract().jsonPath();
        assertEquals("payRequest", pay.getString("tag"));
        assertEquals(1_000L, pay.getLong("minSendable"));
        assertEquals(100_000_000L, pay.getLong("maxSendable"));
        var callback = pay.getString("callback");
        assertTrue(callback.endsWith("/sandbox/lnurl/callback/dave"), callback);
        var pr = given().queryParam("amount", 21_000).get(URI.create(callback).getPath()).then().statusCode(200)
                .extract().jsonPath().getString("pr");
        assertTrue(pr.startsWith("lnbc210n1"), "21 sats: " + pr);
        var tooBig = given().queryParam("amount", 100_001_000L).get(URI.create(callback).getPath()).then()
                .extract().jsonPath();
        assertEquals("ERROR", tooBig.getString("status"));
        assertTrue(given().queryParam("amount", 21_000).get("/sandbox/lnurl/callback/mismatch").then().extract()
                .jsonPath().getString("pr").startsWith("lnbc220n1"), "the mismatch user asks for 1 sat more");

        // paying it is an outside Lightning payment: the payer is debited, nobody in the sandbox is credited
        var phone = randomPhone();
        var payer = user(phone, randomUsername(), 1_000, 0);
        var paid = graphql(login(phone), """
                mutation lnInvoicePaymentSend($input: LnInvoicePaymentInput!) {
                  lnInvoicePaymentSend(input: $input) { status errors { message code } }
                }""", Map.of("input", Map.of("walletId", payer.getString("btcWalletId"), "paymentRequest", pr)));
        assertEquals("SUCCESS", paid.getString("data.lnInvoicePaymentSend.status"));
        given().queryParam("phone", phone).get("/sandbox/flash/users").then().body("[0].btcSats", is(979));
    }

    @Test
    void transactionsArePagedNewestFirst() {
        var phone = randomPhone();
        var name = randomUsername();
        user(phone, name, 0, 0);
        for (int i = 1; i <= 3; i++) {
            given().contentType(ContentType.JSON)
                    .body(Map.of("toUsername", name, "amount", i * 100, "walletCurrency", "USD", "memo", "gift " + i))
                    .post("/sandbox/flash/payments").then().statusCode(200)
                    .body("transactionId", Matchers.matchesPattern("^[0-9a-f]{24}$"));
        }
        var token = login(phone);
        var first = graphql(token, TXS, Map.of("first", 2));
        assertEquals(2, first.getList("data.me.defaultAccount.transactions.edges").size());
        assertEquals(300, first.getInt("data.me.defaultAccount.transactions.edges[0].node.settlementAmount"));
        assertTrue(first.getBoolean("data.me.defaultAccount.transactions.pageInfo.hasNextPage"));
        var cursor = first.getString("data.me.defaultAccount.transactions.pageInfo.endCursor");
        var second = graphql(token, TXS, Map.of("first", 2, "after", cursor));
        assertEquals(1, second.getList("data.me.defaultAccount.transactions.edges").size());
        assertEquals(100, second.getInt("data.me.defaultAccount.transactions.edges[0].node.settlementAmount"));
        assertFalse(second.getBoolean("data.me.defaultAccount.transactions.pageInfo.hasNextPage"));
        assertEquals("1.00", second.getString("data.me.defaultAccount.transactions.edges[0].node.settlementDisplayAmount"));
    }

    @Test
    void transactionDetailsDescribeAReceivedPayment() {
        var phone = randomPhone();
        var name = randomUsername();
        user(phone, name, 0, 0);
        var txId = given().contentType(ContentType.JSON)
                .body(Map.of("toUsername", name, "amount", 1_234, "walletCurrency", "USD", "memo", "rent"))
                .post("/sandbox/flash/payments").then().statusCode(200).extract().jsonPath().getString("transactionId");
        var query = """
                query transactionDetails($input: TransactionDetailsInput!) {
                  transactionDetails(input: $input) {
                    errors { message }
                    transactionDetails { id accountId amount currency fee memo invoice paymentHash paymentPreimage status type createdAt }
                  }
                }""";
        var token = login(phone);
        var details = graphql(token, query, Map.of("input", Map.of("transactionId", txId)));
        assertEquals("rent", details.getString("data.transactionDetails.transactionDetails.memo"));
        assertEquals(1234.0, details.getDouble("data.transactionDetails.transactionDetails.amount"));
        assertEquals("USD", details.getString("data.transactionDetails.transactionDetails.currency"));
        var missing = graphql(token, query, Map.of("input", Map.of("transactionId", "000000000000000000000000")));
        assertEquals("Transaction not found", missing.getString("data.transactionDetails.errors[0].message"));
    }

    @Test
    void pricesAreSetThroughTheControlApi() {
        given().contentType(ContentType.JSON).body(Map.of("currency", "JMD", "unitsPerUsd", 160))
                .post("/sandbox/flash/prices").then().statusCode(200);
        var price = graphql(null, """
                query realtimePrice($currency: DisplayCurrency) {
                  realtimePrice(currency: $currency) { denominatorCurrency usdCentPrice { base offset } btcSatPrice { base offset } }
                }""", Map.of("currency", "JMD"));
        assertEquals("JMD", price.getString("data.realtimePrice.denominatorCurrency"));
        assertEquals(160_000_000_000_000L, price.getLong("data.realtimePrice.usdCentPrice.base"));
        given().contentType(ContentType.JSON).body(Map.of("currency", "JMD", "unitsPerUsd", 157.25))
                .post("/sandbox/flash/prices").then().statusCode(200);
    }

    @Test
    void displayCurrencyCanBeChangedAndBadIdempotencyHeaderIsRejected() {
        var phone = randomPhone();
        user(phone, randomUsername(), 0, 0);
        var token = login(phone);
        var result = graphql(token, """
                mutation accountUpdateDisplayCurrency($input: AccountUpdateDisplayCurrencyInput!) {
                  accountUpdateDisplayCurrency(input: $input) { errors { message code } account { displayCurrency } }
                }""", Map.of("input", Map.of("currency", "JMD")));
        assertEquals("JMD", result.getString("data.accountUpdateDisplayCurrency.account.displayCurrency"));
        assertEquals("JMD", graphql(token, ME, Map.of()).getString("data.me.defaultAccount.displayCurrency"));

        given().contentType(ContentType.JSON).header("X-Idempotency-Key", "not-a-uuid")
                .body(Map.of("query", "query { realtimePrice { id } }")).post("/graphql").then().statusCode(400);
        given().contentType(ContentType.JSON).header("X-Idempotency-Key", UUID.randomUUID().toString())
                .body(Map.of("query", "query { realtimePrice { id } }")).post("/graphql").then().statusCode(200);
    }

    @Test
    void unknownUsernameIsNotFound() {
        var result = graphql(null, DEFAULT_WALLET, Map.of("username", randomUsername()));
        assertEquals("NOT_FOUND", result.getString("errors[0].extensions.code"));
    }

    static final String BTC_PROBE = """
            mutation LnInvoiceFeeProbe($input: LnInvoiceFeeProbeInput!) {
              lnInvoiceFeeProbe(input: $input) { amount errors { message code } }
            }""";

    static final String USD_PROBE = """
            mutation LnUsdInvoiceFeeProbe($input: LnUsdInvoiceFeeProbeInput!) {
              lnUsdInvoiceFeeProbe(input: $input) { amount invoiceAmount errors { message code } }
            }""";

    static final String NO_AMOUNT_BTC_PROBE = """
            mutation LnNoAmountInvoiceFeeProbe($input: LnNoAmountInvoiceFeeProbeInput!) {
              lnNoAmountInvoiceFeeProbe(input: $input) { amount errors { message code } }
            }""";

    static final String NO_AMOUNT_USD_PROBE = """
            mutation LnNoAmountUsdInvoiceFeeProbe($input: LnNoAmountUsdInvoiceFeeProbeInput!) {
              lnNoAmountUsdInvoiceFeeProbe(input: $input) { amount invoiceAmount errors { message code } }
            }""";

    @Test
    void feeProbesQuoteOutsideInvoicesAndNothingInsideFlash() {
        given().contentType(ContentType.JSON).body(Map.of("btcUsdPrice", 100_000)).post("/sandbox/flash/prices")
                .then().statusCode(200);
        var payerPhone = randomPhone();
        var payer = user(payerPhone, randomUsername(), 100_000, 10_000);
        var payeePhone = randomPhone();
        var payee = user(payeePhone, randomUsername(), 0, 0);
        var token = login(payerPhone);
        var btc = payer.getString("btcWalletId");
        var usd = payer.getString("usdWalletId");
        var outside = outsideInvoice(1_000_000); // 1,000 sats from the LNURL-pay outside wallet
        var tiny = outsideInvoice(21_000);

        // outside: max(1 sat, 0.5 %), rounded up; for USD in cents, rounded up (5 sats = 0.5 cent -> 1 cent)
        assertEquals(5, graphql(token, BTC_PROBE, probeInput(btc, outside, null)).getInt("data.lnInvoiceFeeProbe.amount"));
        assertEquals(1, graphql(token, BTC_PROBE, probeInput(btc, tiny, null)).getInt("data.lnInvoiceFeeProbe.amount"));
        var inUsd = graphql(token, USD_PROBE, probeInput(usd, outside, null));
        assertEquals(List.of(), inUsd.getList("data.lnUsdInvoiceFeeProbe.errors"));
        assertEquals(1, inUsd.getInt("data.lnUsdInvoiceFeeProbe.amount"));
        assertEquals(100, inUsd.getInt("data.lnUsdInvoiceFeeProbe.invoiceAmount"), "1,000 sats at $100,000");

        // an invoice of a sandbox user is paid inside Flash: no fee, with or without an amount
        var payeeToken = login(payeePhone);
        var inside = graphql(payeeToken, """
                mutation lnInvoiceCreate($input: LnInvoiceCreateInput!) {
                  lnInvoiceCreate(input: $input) { invoice { paymentRequest } }
                }""", Map.of("input", Map.of("walletId", payee.getString("btcWalletId"), "amount", 2_000)))
                .getString("data.lnInvoiceCreate.invoice.paymentRequest");
        assertEquals(0, graphql(token, BTC_PROBE, probeInput(btc, inside, null)).getInt("data.lnInvoiceFeeProbe.amount"));
        var insideUsd = graphql(token, USD_PROBE, probeInput(usd, inside, null));
        assertEquals(0, insideUsd.getInt("data.lnUsdInvoiceFeeProbe.amount"));
        assertEquals(200, insideUsd.getInt("data.lnUsdInvoiceFeeProbe.invoiceAmount"));
        var noAmount = graphql(payeeToken, """
                mutation lnNoAmountInvoiceCreate($input: LnNoAmountInvoiceCreateInput!) {
                  lnNoAmountInvoiceCreate(input: $input) { invoice { paymentRequest } }
                }""", Map.of("input", Map.of("walletId", payee.getString("usdWalletId"))))
                .getString("data.lnNoAmountInvoiceCreate.invoice.paymentRequest");
        assertEquals(0, graphql(token, NO_AMOUNT_BTC_PROBE, probeInput(btc, noAmount, 500))
                .getInt("data.lnNoAmountInvoiceFeeProbe.amount"));
        var noAmountUsd = graphql(token, NO_AMOUNT_USD_PROBE, probeInput(usd, noAmount, 250));
        assertEquals(0, noAmountUsd.getInt("data.lnNoAmountUsdInvoiceFeeProbe.amount"));
        assertEquals(250, noAmountUsd.getInt("data.lnNoAmountUsdInvoiceFeeProbe.invoiceAmount"));

        // errors like the send mutations
        assertEquals("INVOICE_DECODE_ERROR", graphql(token, BTC_PROBE, probeInput(btc, "lnbcnonsense", null))
                .getString("data.lnInvoiceFeeProbe.errors[0].code"));
        var big = outsideInvoice(100_000_000); // 100,000 sats + 500 sats fee > 100,000 sats
        var broke = graphql(token, BTC_PROBE, probeInput(btc, big, null));
        assertEquals("INSUFFICIENT_BALANCE", broke.getString("data.lnInvoiceFeeProbe.errors[0].code"));
        assertNull(broke.get("data.lnInvoiceFeeProbe.amount"));
        assertEquals("INSUFFICIENT_BALANCE", graphql(token, USD_PROBE, probeInput(usd, big, null))
                .getString("data.lnUsdInvoiceFeeProbe.errors[0].code"), "$100.00 + fee > $100.00");
        assertEquals("INVALID_INPUT", graphql(token, USD_PROBE, probeInput(btc, outside, null))
                .getString("data.lnUsdInvoiceFeeProbe.errors[0].code"), "a BTC wallet for the USD probe");
        assertEquals("INVALID_INPUT", graphql(token, NO_AMOUNT_BTC_PROBE, probeInput(btc, outside, 10))
                .getString("data.lnNoAmountInvoiceFeeProbe.errors[0].code"), "the invoice has an amount");
        assertEquals("CANT_PAY_SELF", graphql(payeeToken, BTC_PROBE, probeInput(payee.getString("btcWalletId"),
                inside, null)).getString("data.lnInvoiceFeeProbe.errors[0].code"));
        var pay = graphql(token, """
                mutation lnInvoicePaymentSend($input: LnInvoicePaymentInput!) {
                  lnInvoicePaymentSend(input: $input) { status }
                }""", Map.of("input", Map.of("walletId", btc, "paymentRequest", inside)));
        assertEquals("SUCCESS", pay.getString("data.lnInvoicePaymentSend.status"));
        var paid = graphql(token, BTC_PROBE, probeInput(btc, inside, null));
        assertEquals("LIGHTNING_PAYMENT_ERROR", paid.getString("data.lnInvoiceFeeProbe.errors[0].code"));
        assertTrue(paid.getString("data.lnInvoiceFeeProbe.errors[0].message").contains("already paid"));
        // probes move no money
        given().queryParam("phone", payerPhone).get("/sandbox/flash/users").then().body("[0].btcSats", is(98_000))
                .body("[0].usdCents", is(10_000));
    }

    @Test
    void aFaultCanTargetOneOperation() {
        given().contentType(ContentType.JSON).body(Map.of("mode", "http500", "operation", "LnUsdInvoiceFeeProbe",
                "durationSeconds", 30)).post("/sandbox/flash/faults").then().statusCode(200)
                .body("[0].operation", is("LnUsdInvoiceFeeProbe"));
        given().contentType(ContentType.JSON).body(Map.of("query", USD_PROBE, "operationName", "LnUsdInvoiceFeeProbe",
                "variables", Map.of())).post("/graphql").then().statusCode(500);
        given().contentType(ContentType.JSON).body(Map.of("query", "query RealtimePrice { realtimePrice { id } }",
                "operationName", "RealtimePrice")).post("/graphql").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("query", "query { realtimePrice { id } }"))
                .post("/graphql").then().statusCode(200);
    }

    private static String outsideInvoice(long msat) {
        return given().queryParam("amount", msat).get("/sandbox/lnurl/callback/dave").then().statusCode(200)
                .extract().jsonPath().getString("pr");
    }

    private static Map<String, Object> probeInput(String walletId, String paymentRequest, Integer amount) {
        var input = new java.util.HashMap<String, Object>();
        input.put("walletId", walletId);
        input.put("paymentRequest", paymentRequest);
        if (amount != null) {
            input.put("amount", amount);
        }
        return Map.of("input", input);
    }

    @Test
    void faultsInjectErrorsUntilCleared() {
        given().contentType(ContentType.JSON).body(Map.of("mode", "graphqlError", "rate", 1, "durationSeconds", 30))
                .post("/sandbox/flash/faults").then().statusCode(200);
        var failed = graphql(null, "query { realtimePrice { denominatorCurrency } }", Map.of());
        assertEquals("INTERNAL_SERVER_ERROR", failed.getString("errors[0].extensions.code"));
        given().delete("/sandbox/flash/faults").then().statusCode(204);

        given().contentType(ContentType.JSON).body(Map.of("mode", "http500", "rate", 1, "durationSeconds", 30))
                .post("/sandbox/flash/faults").then().statusCode(200);
        given().contentType(ContentType.JSON).body(Map.of("query", "query { realtimePrice { id } }"))
                .post("/graphql").then().statusCode(500);
        given().delete("/sandbox/flash/faults").then().statusCode(204);

        given().contentType(ContentType.JSON).body(Map.of("mode", "meteorite"))
                .post("/sandbox/flash/faults").then().statusCode(400).body("status", is(400));
        given().contentType(ContentType.JSON).body(Map.of("query", "query { realtimePrice { id } }"))
                .post("/graphql").then().statusCode(200);
    }

    @Test
    void incomingPaymentPostsTheAccountWebhook() {
        var phone = randomPhone();
        var created = user(phone, randomUsername(), 0, 0);
        var tx = given().contentType(ContentType.JSON)
                .body(Map.of("toPhone", phone, "amount", 700, "walletCurrency", "BTC"))
                .post("/sandbox/flash/payments").then().statusCode(200).extract().jsonPath().getString("transactionId");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                FakeGateway.at("/flash/account-webhook").stream().anyMatch(r -> r.params().get("json").contains(tx)));
        var body = FakeGateway.at("/flash/account-webhook").stream()
                .filter(r -> r.params().get("json").contains(tx)).findFirst().orElseThrow().params().get("json");
        assertTrue(body.contains("\"eventType\":\"receive.lightning\""), body);
        assertTrue(body.contains(created.getString("accountId")), body);
        given().queryParam("phone", phone).get("/sandbox/flash/users").then().body("[0].btcSats", is(700));
    }

    @Test
    void controlApiCreatesResetsAndPays() {
        var phone = randomPhone();
        var name = randomUsername();
        var created = user(phone, name, 5, 6);
        assertNotNull(created.getString("btcWalletId"));
        assertEquals(2, created.getList("wallets").size());

        var tx = given().contentType(ContentType.JSON)
                .body(Map.of("toPhone", phone, "amount", 94, "walletCurrency", "USD", "fromUsername", "bob"))
                .post("/sandbox/flash/payments").then().statusCode(200).extract().jsonPath().getString("transactionId");
        assertNotNull(tx);
        given().queryParam("phone", phone).get("/sandbox/flash/users").then().body("[0].usdCents", is(100));

        given().contentType(ContentType.JSON).body(Map.of("toUsername", "nobody_here", "amount", 1))
                .post("/sandbox/flash/payments").then().statusCode(400).body("title", is("Bad request"));
        given().get("/sandbox/flash/users").then().body("username", hasItem("alice"));
    }
}
