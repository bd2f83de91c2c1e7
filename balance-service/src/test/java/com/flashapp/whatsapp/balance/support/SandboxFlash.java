package com.flashapp.whatsapp.balance.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the sandbox module (its Flash simulator executes our documents against the real schema) as a separate
 * process on a free port, waits until it is ready, points {@code balance.flash.url} at it, and stops it after.
 * The sandbox is built before balance-service in the reactor; with {@code -pl balance-service} build it once.
 */
public class SandboxFlash implements QuarkusTestResourceLifecycleManager {

    static final Path JAR = Path.of("../sandbox/target/quarkus-app/quarkus-run.jar");

    static volatile String baseUrl;
    private Process process;

    @Override
    public Map<String, String> start() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException("The sandbox is not built: run ./mvnw -B -q -pl sandbox package "
                    + "-DskipTests first (" + JAR.toAbsolutePath() + ")");
        }
        try {
            int port;
            try (var socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            // run a private copy: the sandbox may be rebuilt while these tests run
            var app = copyOfSandbox();
            var java = ProcessHandle.current().info().command().orElse("java");
            var log = new File("target/sandbox-flash-test.log");
            process = new ProcessBuilder(java, "-Xmx256m", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.log.console.level=WARN", "-jar", app.resolve("quarkus-run.jar").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
            baseUrl = "http://localhost:" + port;
            waitUntilReady();
            int closed;
            try (var socket = new ServerSocket(0)) {
                closed = socket.getLocalPort();
            }
            return Map.of("balance.flash.url", baseUrl + "/graphql",
                    // no backend credential: users request their code in the Flash app (the test plays the app)
                    "balance.flash.service-token", "",
                    // the sandbox's outside wallet, and a domain whose server does not answer (a closed port)
                    "balance.lnurl.base-url-override.\"wallet.example\"", baseUrl + "/sandbox/lnurl",
                    "balance.lnurl.base-url-override.\"unreachable.example\"", "http://127.0.0.1:" + closed);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start the sandbox", e);
        }
    }

    private static Path copyOfSandbox() throws java.io.IOException {
        var source = JAR.getParent();
        var target = Path.of("target/sandbox-app").toAbsolutePath();
        if (Files.exists(target)) {
            try (var paths = Files.walk(target)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        try (var paths = Files.walk(source)) {
            for (var path : (Iterable<Path>) paths::iterator) {
                var copy = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(path, copy);
                }
            }
        }
        return target;
    }

    private void waitUntilReady() {
        var client = HttpClient.newHttpClient();
        org.awaitility.Awaitility.await("the sandbox to get ready").atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("the sandbox exited with " + process.exitValue()
                                + "; see target/sandbox-flash-test.log");
                    }
                    try {
                        return client.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                                .statusCode() == 200;
                    } catch (java.io.IOException notYet) {
                        return false;
                    }
                });
    }

    @Override
    public void stop() {
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
        }
    }

    /** What the Flash app does when the user taps "Send code": Flash issues a code for the phone. */
    public static void appRequestsCode(String phone) {
        io.restassured.RestAssured.given().baseUri(baseUrl).contentType(io.restassured.http.ContentType.JSON)
                .body(Map.of("query", "mutation($input: UserPhoneRegistrationInitiateInput!) { "
                        + "userPhoneRegistrationInitiate(input: $input) { success errors { message } } }",
                        "variables", Map.of("input", Map.of("phone", phone, "channel", "SMS"))))
                .post("/graphql").then().statusCode(200);
    }

    /** The sandbox's base URL, e.g. {@code http://localhost:41234}. */
    public static String baseUrl() {
        return baseUrl;
    }
}
