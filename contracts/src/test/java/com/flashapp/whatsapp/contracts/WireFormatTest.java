package com.flashapp.whatsapp.contracts;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Pins the JSON of every message type to a golden file in {@code src/test/resources/golden}. A change that
 * alters the wire format fails here; regenerate deliberately with {@code -Dgolden.update=true}.
 */
class WireFormatTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final ObjectMapper TREE = new ObjectMapper();

    @Test
    void everyRegisteredTypeHasASample() {
        assertEquals(MessageTypes.all().keySet(), Samples.all().keySet());
    }

    @TestFactory
    Stream<DynamicTest> eachMessageMatchesItsGoldenFile() {
        return Samples.all().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            var file = GOLDEN.resolve(e.getKey().replace(' ', '_') + ".json");
            var json = MessageCodec.encode(e.getValue());
            if (Boolean.getBoolean("golden.update")) {
                Files.writeString(file, TREE.writerWithDefaultPrettyPrinter()
                        .writeValueAsString(TREE.readTree(json)) + "\n");
            }
            var golden = Files.readAllBytes(file);
            assertEquals(TREE.readTree(golden), TREE.readTree(json), "serialised form of " + e.getKey());
            var parts = e.getKey().split(" ");
            var decoded = MessageCodec.decode(golden, parts[0], parts[1]);
            assertEquals(e.getValue(), decoded, "decoded golden file of " + e.getKey());
            assertEquals(parts[1], decoded.routingKey());
        }));
    }

    @Test
    void unknownFieldsAreIgnoredSoProducersCanEvolveFirst() throws IOException {
        var golden = Files.readString(GOLDEN.resolve("wallet.requests_balance.get.json"), StandardCharsets.UTF_8);
        var extended = golden.replaceFirst("\\{", "{\"addedLater\": 42,");
        var decoded = MessageCodec.decode(extended.getBytes(StandardCharsets.UTF_8), Exchanges.WALLET_REQUESTS,
                RoutingKeys.Wallet.BALANCE_GET);
        assertEquals(Samples.all().get("wallet.requests balance.get"), decoded);
    }

    @Test
    void anAccountLinkedPublishedBeforeTheLocaleExistedDecodesWithoutOne() throws IOException {
        var golden = Files.readString(GOLDEN.resolve("flash.events_account.linked.json"), StandardCharsets.UTF_8);
        var older = golden.replaceFirst(",\\s*\"locale\"\\s*:\\s*\"[^\"]*\"", "");
        org.junit.jupiter.api.Assertions.assertFalse(older.contains("locale"), older);
        var decoded = (com.flashapp.whatsapp.contracts.events.AccountLinked) MessageCodec.decode(
                older.getBytes(StandardCharsets.UTF_8), Exchanges.FLASH_EVENTS, RoutingKeys.FlashEvents.ACCOUNT_LINKED);
        org.junit.jupiter.api.Assertions.assertNull(decoded.locale());
        assertEquals("JMD", decoded.displayCurrency());
    }

    @Test
    void theUserRefOfEncodedBytesIsReadWithoutDecodingTheMessage() {
        for (var message : Samples.all().values()) {
            assertEquals(message.envelope().userRef(), MessageCodec.userRef(MessageCodec.encode(message)),
                    message.getClass().getSimpleName());
        }
        var bytes = "{\"body\": {\"envelope\": {\"userRef\": \"not-this\"}}, \"x\": [1, {\"a\": 2}], "
                + "\"envelope\": {\"messageId\": \"m\", \"meta\": {\"userRef\": \"nor-this\"}, "
                + "\"userRef\": \"u_1\"}}";
        assertEquals("u_1", MessageCodec.userRef(bytes.getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, MessageCodec.userRef("{\"envelope\": {\"messageId\": \"m\"}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, MessageCodec.userRef("{\"envelope\": {\"userRef\": 5}}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, MessageCodec.userRef("[1, 2]".getBytes(StandardCharsets.UTF_8)));
        assertEquals(null, MessageCodec.userRef("{\"envelope\": ".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void malformedBytesAreRejectedAsMalformed() {
        assertThrows(MessageCodec.MalformedMessageException.class, () -> MessageCodec.decode(
                "not json".getBytes(StandardCharsets.UTF_8), Exchanges.WALLET_REQUESTS, "balance.get"));
        assertThrows(MessageCodec.MalformedMessageException.class, () -> MessageCodec.decode(
                "{\"whatsapp\":\"x\"}".getBytes(StandardCharsets.UTF_8), Exchanges.WALLET_REQUESTS, "balance.get"));
        assertThrows(MessageCodec.MalformedMessageException.class, () -> MessageCodec.decode(
                "{}".getBytes(StandardCharsets.UTF_8), Exchanges.WALLET_REQUESTS, "no.such.key"));
    }

    @Test
    void aMalformedMessageIsDescribedWithoutQuotingItsData() throws IOException {
        var golden = Files.readString(GOLDEN.resolve("wallet.requests_balance.get.json"), StandardCharsets.UTF_8);
        // a value of the wrong type, a broken token and a truncated body, each next to a phone number
        var cases = java.util.List.of(
                golden.replaceFirst("\"occurredAt\"\\s*:\\s*\"[^\"]*\"", "\"occurredAt\": \"+18765550123 at noon\""),
                "{\"whatsapp\": whatsapp:+18765550123}",
                golden.substring(0, golden.indexOf("whatsapp:+") + 18));
        for (var json : cases) {
            var e = assertThrows(MessageCodec.MalformedMessageException.class, () -> MessageCodec.decode(
                    json.getBytes(StandardCharsets.UTF_8), Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.BALANCE_GET));
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("not a valid BalanceRequest: "),
                    e.getMessage());
            org.junit.jupiter.api.Assertions.assertFalse(e.getMessage().contains("876555"), e.getMessage());
            org.junit.jupiter.api.Assertions.assertNull(e.getCause(), "the parser's message travels in no cause");
        }
    }
}
