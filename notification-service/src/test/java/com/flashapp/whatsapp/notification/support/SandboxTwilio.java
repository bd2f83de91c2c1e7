package com.flashapp.whatsapp.notification.support;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The sandbox module (its Twilio Messages API simulator) as a separate process on a free port, from its packaged
 * jar ({@code sandbox/target/quarkus-app/quarkus-run.jar}, built before this module in the reactor; override with
 * {@code -Dsandbox.jar=...}). Started with the WireMock resource, which proxies sends to sandbox numbers to it, so
 * both run against one application start; it boots while Quarkus does.
 */
public final class SandboxTwilio {

    /** The WhatsApp senders the simulator accepts (a pool; the first is the product's default sender). */
    public static final List<String> SENDERS = List.of("whatsapp:+14155238886", "whatsapp:+14155238887",
            "whatsapp:+14155238888");

    private static Process process;
    private static String baseUrl;

    private SandboxTwilio() {
    }

    /** Starts the process (without waiting for it) and returns its base URL. */
    static synchronized String launch() {
        var jar = Path.of(System.getProperty("sandbox.jar", "../sandbox/target/quarkus-app/quarkus-run.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The sandbox is not built (" + jar.toAbsolutePath()
                    + "): run ./mvnw -B -q -pl sandbox package -DskipTests first");
        }
        int port = freePort();
        var java = ProcessHandle.current().info().command().orElse("java");
        var command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                // the simulator's inbound side posts to a gateway; none runs in these tests
                "-Dsandbox.gateway.webhook-url=http://localhost:9/webhooks/twilio/messages",
                "-Dsandbox.twilio.whatsapp-senders=" + String.join(",", SENDERS),
                "-jar", jar.toAbsolutePath().toString());
        try {
            var log = File.createTempFile("notification-test-sandbox-", ".log");
            log.deleteOnExit();
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the sandbox", e);
        }
        baseUrl = "http://127.0.0.1:" + port;
        return baseUrl;
    }

    /** The simulator's base URL once it answers. */
    public static String ready() {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the sandbox exited with " + process.exitValue());
                    }
                    return RestAssured.given().get(baseUrl + "/sandbox/twilio/faults").statusCode() == 200;
                });
        return baseUrl;
    }

    /** A fresh number whose sends reach the simulator ({@link WireMockTwilio#SANDBOX_PREFIX}). */
    public static String number() {
        return WireMockTwilio.SANDBOX_PREFIX + String.format("%07d", ThreadLocalRandom.current().nextInt(10_000_000));
    }

    /** What the simulator accepted for one number (its message views), in the order it accepted them. */
    public static List<Map<String, Object>> sentTo(String to) {
        JsonPath json = RestAssured.given().queryParam("to", to).get(ready() + "/sandbox/twilio/messages")
                .then().statusCode(200).extract().jsonPath();
        return json.getList("$");
    }

    /** Injects a simulator fault (mode, rate, durationSeconds...: the sandbox's fault API). */
    public static void fault(Map<String, Object> fault) {
        RestAssured.given().contentType(ContentType.JSON).body(fault).post(ready() + "/sandbox/twilio/faults")
                .then().statusCode(200);
    }

    /** Limits each sender to {@code perSecond} sends (a bucket of {@code burst}); past it: 429, 20429. */
    public static void senderRate(double perSecond, int burst) {
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("perSecond", perSecond, "burst", burst))
                .put(ready() + "/sandbox/twilio/sender-rate").then().statusCode(200);
    }

    /** Back to the simulator's configured sender limit (none). */
    public static void resetSenderRate() {
        RestAssured.given().delete(ready() + "/sandbox/twilio/sender-rate").then().statusCode(200);
    }

    /** Clears every simulator fault. */
    public static void clearFaults() {
        RestAssured.given().delete(ready() + "/sandbox/twilio/faults").then().statusCode(204);
    }

    static synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
            process = null;
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
