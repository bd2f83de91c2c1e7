package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
class HistoryAndReceiveTest extends WalletFlowTest {



    WalletFixture user;

    @BeforeEach
    void setUp() throws Exception {
        com.flashapp.whatsapp.balance.support.FlashStubs.price("USD");
        user = new WalletFixture(pool, links, vault, Instant.now().minusSeconds(3600));
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
        assertEquals(List.of("history more", "history 1", "balance"),
                first.quickReplies().stream().map(QuickReply::payload).toList());
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
        assertEquals(List.of(new QuickReply("balance", "Check balance")), info.quickReplies());
        assertQrImageHandedToTheGatewayBefore(info, invoice, Instant.now().plus(Duration.ofMinutes(60)));
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

    /**
     * The reply links exactly one image: a MediaStoreRequest for the same user, published before the reply, whose
     * PNG decodes to the invoice, and whose URL is signed (HMAC-SHA256 with the gateway's key over id.exp) for the
     * same id and expiry, no later than {@code notAfter}.
     */
    void assertQrImageHandedToTheGatewayBefore(OutboundMessage reply, String invoice, Instant notAfter) {
        assertEquals(1, reply.mediaUrls().size(), "one QR image");
        var url = URI.create(reply.mediaUrls().get(0));
        assertEquals("http://localhost:8080", url.getScheme() + "://" + url.getAuthority(), "the gateway's base URL");
        assertTrue(url.getPath().startsWith("/media/"), url.toString());
        var mediaId = url.getPath().substring("/media/".length());
        assertTrue(mediaId.matches("[A-Za-z0-9_-]{22,}"), "128+ random bits, base64url without padding: " + mediaId);
        var query = new java.util.HashMap<String, String>();
        for (var pair : url.getRawQuery().split("&")) {
            var eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        var exp = Long.parseLong(query.get("exp"));
        assertEquals(hmac("dev-media-signing-key-not-secret", mediaId + "." + exp), query.get("sig"));
        assertFalse(hmac("another-key", mediaId + "." + exp).equals(query.get("sig")));
        assertTrue(exp <= notAfter.getEpochSecond() + 1, "not valid longer than the invoice");

        var stored = probe.await(MediaStoreRequest.class, user.userRef, m -> mediaId.equals(m.mediaId()));
        assertEquals("image/png", stored.contentType());
        assertEquals(exp, stored.expiresAt().getEpochSecond(), "the gateway keeps it as long as the URL is valid");
        assertEquals(RoutingKeys.Media.STORE, stored.routingKey());
        assertEquals(reply.envelope().correlationId(), stored.envelope().correlationId());
        assertTrue(probe.position(stored) < probe.position(reply), "the image is published before the reply");
        try {
            var image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(stored.dataBase64())));
            var decoded = new MultiFormatReader().decode(new BinaryBitmap(new HybridBinarizer(
                    new BufferedImageLuminanceSource(image))), PURE).getText();
            assertEquals("lightning:" + invoice, decoded.toLowerCase(java.util.Locale.ROOT));
        } catch (Exception e) {
            throw new AssertionError("the stored image is not a readable QR code", e);
        }
    }

    /**
     * Decoding hints for our generated images: ZXing's finder-pattern search misses about 1 in 100 computer-made
     * codes (measured: 2/300 at 400 px, 4/300 at 512 px, whatever the margin); as a pure barcode all decode.
     */
    static final java.util.Map<com.google.zxing.DecodeHintType, Object> PURE =
            java.util.Map.of(com.google.zxing.DecodeHintType.PURE_BARCODE, Boolean.TRUE);

    static String hmac(String key, String data) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }


    static List<String> bodies(List<OutboundMessage> messages) {
        return messages.stream().map(OutboundMessage::body).toList();
    }
}
