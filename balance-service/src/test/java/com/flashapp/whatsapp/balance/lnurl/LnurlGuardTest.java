package com.flashapp.whatsapp.balance.lnurl;

import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Lightning address whose domain resolves to a private or loopback address is refused before anything is
 * called; an answer larger than allowed is cut off while it is read.
 */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
@TestProfile(LnurlGuardTest.BigWallet.class)
class LnurlGuardTest {

    /** Requests the wallet below answered since the last test began. */
    static final AtomicInteger REQUESTS = new AtomicInteger();

    /**
     * "big.example": a trusted dev override that answers with an endless body. Bound (to a free port) when the class
     * loads, before the profile reads its port and the application starts: a port picked first and bound later could
     * be taken in between by the application or WireMock (CI once saw "Address already in use").
     */
    static final HttpServer WALLET = bigWallet();

    public static class BigWallet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("balance.lnurl.base-url-override.\"big.example\"",
                    "http://localhost:" + WALLET.getAddress().getPort(), "balance.lnurl.max-response-bytes", "4096");
        }
    }

    @Inject
    LnurlPay lnurl;

    @BeforeEach
    void reset() {
        REQUESTS.set(0);
    }

    @Test
    void refusesDomainsThatResolveToAddressesInsideTheNetwork() {
        // StubHostResolver: these resolve to loopback, cloud metadata, private+public, CGNAT, unique-local, nothing
        for (var domain : StubHostResolver.NAMES.keySet()) {
            var failure = lnurl.invoice("alice@" + domain, 100, Locale.ENGLISH)
                    .onItem().transform(x -> (Throwable) null).onFailure().recoverWithItem(f -> f)
                    .await().atMost(Duration.ofSeconds(10));
            assertInstanceOf(LnurlPay.Refused.class, failure, domain);
            assertTrue(failure.getMessage().contains("address I won't call"), failure.getMessage());
        }
    }

    @Test
    void anAnswerLargerThanAllowedIsCutOffWhileRead() {
        var failure = lnurl.invoice("alice@big.example", 100, Locale.ENGLISH)
                .onItem().transform(x -> (Throwable) null).onFailure().recoverWithItem(f -> f)
                .await().atMost(Duration.ofSeconds(10));
        assertInstanceOf(LnurlPay.Refused.class, failure);
        assertTrue(failure.getMessage().contains("unusable answer"), failure.getMessage());
        assertEquals(1, REQUESTS.get());
    }

    private static HttpServer bigWallet() {
        try {
            var server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                REQUESTS.incrementAndGet();
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0); // chunked
                try (var body = exchange.getResponseBody()) {
                    body.write("{\"tag\":\"payRequest\",\"padding\":\"".getBytes(StandardCharsets.UTF_8));
                    var chunk = "x".repeat(1024).getBytes(StandardCharsets.UTF_8);
                    for (int i = 0; i < 200; i++) {
                        body.write(chunk);
                    }
                    body.write("\"}".getBytes(StandardCharsets.UTF_8));
                } catch (java.io.IOException cutOff) {
                    // the client stopped reading past its cap: what the test wants
                }
            });
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                var thread = new Thread(r, "big-wallet");
                thread.setDaemon(true);
                return thread;
            }));
            server.start();
            return server;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
