package com.flashapp.whatsapp.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.flashapp.whatsapp.sandbox.TestData.login;
import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static com.flashapp.whatsapp.sandbox.TestData.randomUsername;
import static com.flashapp.whatsapp.sandbox.TestData.user;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

@QuarkusTest
class FlashSubscriptionTest {

    static final String MY_UPDATES = """
            subscription myUpdates {
              myUpdates {
                errors { message }
                me { id defaultAccount { wallets { id walletCurrency balance } } }
                update { __typename
                  ... on LnUpdate { paymentHash status walletId }
                  ... on IntraLedgerUpdate { txNotificationType amount walletId } }
              }
            }""";

    private final ObjectMapper mapper = new ObjectMapper();

    @TestHTTPResource("/graphql")
    URI graphqlUri;

    /** Collects text frames and the close code. */
    static final class Listener implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final AtomicInteger closeCode = new AtomicInteger();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.set(statusCode);
            return null;
        }
    }

    private WebSocket connect(Listener listener) throws Exception {
        var ws = URI.create(graphqlUri.toString().replace("http://", "ws://"));
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("graphql-transport-ws")
                .buildAsync(ws, listener)
                .get(10, TimeUnit.SECONDS);
    }

    private JsonNode parse(String text) {
        try {
            return mapper.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void myUpdatesDeliversAnIncomingPayment() throws Exception {
        var phone = randomPhone();
        var name = randomUsername();
        var created = user(phone, name, 0, 0);
        var token = login(phone);
        var listener = new Listener();
        var socket = connect(listener);
        assertEquals("graphql-transport-ws", socket.getSubprotocol());

        socket.sendText(mapper.writeValueAsString(Map.of("type", "connection_init",
                "payload", Map.of("Authorization", "Bearer " + token))), true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.messages.stream()
                .anyMatch(m -> parse(m).path("type").asText().equals("connection_ack")));
        socket.sendText(mapper.writeValueAsString(Map.of("type", "subscribe", "id", "1",
                "payload", Map.of("query", MY_UPDATES))), true).get(5, TimeUnit.SECONDS);

        // the subscription is registered asynchronously: pay until the event arrives
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(300)).until(() -> {
            given().contentType(ContentType.JSON)
                    .body(Map.of("toUsername", name, "amount", 250, "walletCurrency", "USD", "memo", "tip"))
                    .post("/sandbox/flash/payments").then().statusCode(200);
            return listener.messages.stream().anyMatch(m -> parse(m).path("type").asText().equals("next"));
        });
        var next = listener.messages.stream().map(this::parse)
                .filter(m -> m.path("type").asText().equals("next")).findFirst().orElseThrow();
        assertEquals("1", next.path("id").asText());
        var update = next.path("payload").path("data").path("myUpdates").path("update");
        assertEquals("LnUpdate", update.path("__typename").asText());
        assertEquals("PAID", update.path("status").asText());
        assertEquals(created.getString("usdWalletId"), update.path("walletId").asText());

        socket.sendText(mapper.writeValueAsString(Map.of("type", "ping")), true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.messages.stream()
                .anyMatch(m -> parse(m).path("type").asText().equals("pong")));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    }

    @Test
    void lnInvoicePaymentStatusGoesFromPendingToPaid() throws Exception {
        var payeePhone = randomPhone();
        var payee = user(payeePhone, randomUsername(), 0, 0);
        var payerPhone = randomPhone();
        var payer = user(payerPhone, randomUsername(), 0, 1_000);
        var invoice = TestData.graphql(login(payeePhone), """
                mutation lnUsdInvoiceCreate($input: LnUsdInvoiceCreateInput!) {
                  lnUsdInvoiceCreate(input: $input) { errors { message } invoice { paymentRequest } }
                }""", Map.of("input", Map.of("walletId", payee.getString("usdWalletId"), "amount", 100)))
                .getString("data.lnUsdInvoiceCreate.invoice.paymentRequest");

        var listener = new Listener();
        var socket = connect(listener);
        socket.sendText(mapper.writeValueAsString(Map.of("type", "connection_init")), true).get(5, TimeUnit.SECONDS);
        socket.sendText(mapper.writeValueAsString(Map.of("type", "subscribe", "id", "inv", "payload", Map.of(
                "query", """
                        subscription lnInvoicePaymentStatus($input: LnInvoicePaymentStatusInput!) {
                          lnInvoicePaymentStatus(input: $input) { status errors { message } }
                        }""", "variables", Map.of("input", Map.of("paymentRequest", invoice))))), true)
                .get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.messages.stream().anyMatch(m -> m.contains("PENDING")));

        var paid = TestData.graphql(login(payerPhone), """
                mutation lnInvoicePaymentSend($input: LnInvoicePaymentInput!) {
                  lnInvoicePaymentSend(input: $input) { status errors { message code } }
                }""", Map.of("input", Map.of("walletId", payer.getString("usdWalletId"), "paymentRequest", invoice)));
        assertEquals("SUCCESS", paid.getString("data.lnInvoicePaymentSend.status"));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.messages.stream().anyMatch(m -> m.contains("PAID")));
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.messages.stream()
                .anyMatch(m -> parse(m).path("type").asText().equals("complete")));
    }

    @Test
    void aSocketWithoutConnectionInitIsClosedWith4408() throws Exception {
        var listener = new Listener();
        connect(listener);
        await().atMost(Duration.ofSeconds(15)).until(() -> listener.closeCode.get() == 4408);
    }

    @Test
    void anInvalidTokenIsRefusedWith4403() throws Exception {
        var listener = new Listener();
        var socket = connect(listener);
        socket.sendText(mapper.writeValueAsString(Map.of("type", "connection_init",
                "payload", Map.of("Authorization", "Bearer nope"))), true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.closeCode.get() == 4403);
    }

    @Test
    void anonymousMyUpdatesIsNotAuthenticatedAndSubscribeBeforeInitIs4401() throws Exception {
        var listener = new Listener();
        var socket = connect(listener);
        socket.sendText(mapper.writeValueAsString(Map.of("type", "connection_init")), true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.messages.isEmpty());
        socket.sendText(mapper.writeValueAsString(Map.of("type", "subscribe", "id", "a",
                "payload", Map.of("query", MY_UPDATES))), true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> listener.messages.stream()
                .anyMatch(m -> m.contains("Not Authenticated for subscription")));

        var second = new Listener();
        var early = connect(second);
        early.sendText(mapper.writeValueAsString(Map.of("type", "subscribe", "id", "b",
                "payload", Map.of("query", MY_UPDATES))), true).get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.closeCode.get() == 4401);
    }
}
