package com.flashapp.whatsapp.notification.client;

import com.sun.net.httpserver.HttpServer;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** twilio-java pointed at another base URL, with its silent 5xx retry turned off. */
class RedirectingTwilioHttpClientTest {

    HttpServer server;
    AtomicInteger requests = new AtomicInteger();
    AtomicReference<String> lastPath = new AtomicReference<>();
    AtomicReference<String> lastAuth = new AtomicReference<>();
    volatile int status = 500;
    volatile String retryAfter;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            lastPath.set(exchange.getRequestURI().getPath());
            lastAuth.set(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getRequestBody().readAllBytes();
            var body = status == 201
                    ? "{\"sid\": \"SM0123456789abcdef0123456789abcdef\", \"status\": \"queued\"}"
                    : "{\"code\": 20500, \"message\": \"Internal Server Error\", \"status\": 500}";
            var bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private RedirectingTwilioHttpClient http() {
        return new RedirectingTwilioHttpClient("http://127.0.0.1:" + server.getAddress().getPort() + "/",
                Duration.ofSeconds(2), Duration.ofSeconds(5), 4);
    }

    private TwilioRestClient client() {
        return client(http());
    }

    private static TwilioRestClient client(RedirectingTwilioHttpClient http) {
        return new TwilioRestClient.Builder("AC00000000000000000000000000000000", "0123456789abcdef0123456789abcdef")
                .httpClient(http).build();
    }

    @Test
    void sendsToTheConfiguredBaseUrlWithBasicAuth() {
        status = 201;
        var message = Message.creator(new PhoneNumber("whatsapp:+18765550101"),
                new PhoneNumber("whatsapp:+14155238886"), "hi").create(client());

        assertEquals("SM0123456789abcdef0123456789abcdef", message.getSid());
        assertEquals("/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json", lastPath.get());
        assertTrue(lastAuth.get().startsWith("Basic "));
    }

    @Test
    void aServerErrorIsNotRetriedByTwilioJava() {
        status = 500;
        var creator = Message.creator(new PhoneNumber("whatsapp:+18765550101"),
                new PhoneNumber("whatsapp:+14155238886"), "hi");

        var error = assertThrows(ApiException.class, () -> creator.create(client()));

        assertEquals(500, error.getStatusCode());
        // twilio-java's default HttpClient would have tried three times
        assertEquals(1, requests.get());
    }

    @Test
    void twilioRetryAfterIsKeptForTheThreadThatGotTheAnswer() throws Exception {
        status = 429;
        retryAfter = "7";
        var http = http();
        var creator = Message.creator(new PhoneNumber("whatsapp:+18765550101"),
                new PhoneNumber("whatsapp:+14155238886"), "hi");

        assertThrows(ApiException.class, () -> creator.create(client(http)));

        assertEquals(Duration.ofSeconds(7), http.retryAfter());
        var elsewhere = new AtomicReference<Duration>(Duration.ZERO);
        var thread = new Thread(() -> elsewhere.set(http.retryAfter()));
        thread.start();
        thread.join();
        assertEquals(null, elsewhere.get(), "another sender thread's answer is its own");

        retryAfter = null;
        assertThrows(ApiException.class, () -> creator.create(client(http)));
        assertEquals(null, http.retryAfter(), "the next answer had none");
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        var now = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
        assertEquals(Duration.ofSeconds(120), RedirectingTwilioHttpClient.parseRetryAfter("120", now));
        assertEquals(Duration.ofSeconds(90),
                RedirectingTwilioHttpClient.parseRetryAfter("Sat, 28 Nov 2026 10:01:30 GMT", now));
        assertEquals(Duration.ZERO, RedirectingTwilioHttpClient.parseRetryAfter("Sat, 28 Nov 2026 09:00:00 GMT", now));
        assertEquals(null, RedirectingTwilioHttpClient.parseRetryAfter("soon", now));
        assertEquals(null, RedirectingTwilioHttpClient.parseRetryAfter("-5", now));
        assertEquals(null, RedirectingTwilioHttpClient.parseRetryAfter(" ", now));
    }

    @Test
    void onlyTwilioApiAndContentUrlsAreRewritten() {
        var http = new RedirectingTwilioHttpClient("http://localhost:8089", Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1);
        assertEquals("http://localhost:8089/2010-04-01/Accounts/AC1/Messages.json",
                http.rewrite("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"));
        // the Content API (quick-reply templates) goes to the same simulator
        assertEquals("http://localhost:8089/v1/Content", http.rewrite("https://content.twilio.com/v1/Content"));
        assertEquals("https://example.com/v1/Content", http.rewrite("https://example.com/v1/Content"));
        // in prod the base URL is Twilio itself and the Content API keeps its own host
        var prod = new RedirectingTwilioHttpClient("https://api.twilio.com", Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1);
        assertEquals("https://content.twilio.com/v1/Content", prod.rewrite("https://content.twilio.com/v1/Content"));
    }

    private static ApiException error(String message, int code, int status) {
        return new ApiException(message, code, null, status, status, null, null, null);
    }

    @Test
    void errorsAreClassifiedForTheRelay() {
        assertEquals(TwilioSender.Outcome.Kind.RETRYABLE,
                TwilioSender.classify(error("busy", 20429, 429)).kind());
        assertEquals(Duration.ofSeconds(5),
                TwilioSender.classify(error("busy", 20429, 429), Duration.ofSeconds(5)).retryAfter());
        assertEquals(TwilioSender.Outcome.Kind.RETRYABLE,
                TwilioSender.classify(error("down", 20500, 503)).kind());
        assertEquals(TwilioSender.Outcome.Kind.OUTSIDE_WINDOW,
                TwilioSender.classify(error("window", 63016, 400)).kind());
        assertEquals(TwilioSender.Outcome.Kind.PERMANENT,
                TwilioSender.classify(error("bad number", 21211, 400)).kind());
    }
}
