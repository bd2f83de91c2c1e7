package com.flashapp.whatsapp.balance.lnurl;

import com.flashapp.whatsapp.balance.support.FlashWireMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    static final int PORT = freePort();

    /** "big.example" is a trusted dev override that answers with an endless body. */
    public static class BigWallet implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("balance.lnurl.base-url-override.\"big.example\"", "http://localhost:" + PORT,
                    "balance.lnurl.max-response-bytes", "4096");
        }
    }

    @Inject
    LnurlPay lnurl;

    @Inject
    Vertx vertx;

    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();

    @BeforeEach
    void start() {
        server = vertx.createHttpServer().requestHandler(request -> {
            requests.incrementAndGet();
            var response = request.response().setChunked(true).putHeader("Content-Type", "application/json");
            response.write("{\"tag\":\"payRequest\",\"padding\":\"");
            for (int i = 0; i < 200; i++) {
                response.write("x".repeat(1024));
            }
            response.end("\"}");
        });
        server.listen(PORT).toCompletionStage().toCompletableFuture().join();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().join();
        }
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
        assertEquals(1, requests.get());
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
