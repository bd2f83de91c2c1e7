package com.flashapp.whatsapp.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The six packaged apps, started as separate JVMs from {@code <module>/target/quarkus-app/quarkus-run.jar} with
 * their production profile, pointed at each other on ports 181xx and isolated from anything else on the machine:
 * RabbitMQ virtual host {@value #VHOST} (deleted and created afresh), Redis database {@value #REDIS_DB} (flushed),
 * PostgreSQL databases {@code <name>_e2e} (cleaned by Flyway at start). A developer's {@code ./run.sh} apps on the
 * default ports and vhost are therefore left alone, and neither side steals the other's queue messages.
 */
final class Apps implements AutoCloseable {

    static final String VHOST = "flash-e2e";
    static final int REDIS_DB = 5;
    static final int SANDBOX = 18189;
    static final int GATEWAY = 18180;
    static final int COMMAND = 18181;
    static final int BALANCE = 18182;
    static final int NOTIFICATION = 18183;
    static final int AI_SUPPORT = 18184;
    static final String MEDIA_KEY = "e2e-media-signing-key";
    static final String ADMIN = "+18765550999";
    /** Base32 TOTP secret of the admin (RFC 6238, SHA-1, 6 digits, 30 s). */
    static final String ADMIN_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final String MANAGEMENT = "http://127.0.0.1:15672";

    private final Path root;
    private final Path logs;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Process> running = new LinkedHashMap<>();

    Apps(Path root, Path logs) {
        this.root = root;
        this.logs = logs;
    }

    void start() throws Exception {
        Files.createDirectories(logs);
        freshVirtualHost();
        flushRedis();
        var gatewayUrl = "http://localhost:" + GATEWAY;
        var sandboxUrl = "http://localhost:" + SANDBOX;
        launch("sandbox", SANDBOX, null, List.of(
                "-Dsandbox.gateway.webhook-url=" + gatewayUrl + "/webhooks/twilio/messages",
                "-Dsandbox.twilio.callback-interval=50ms"));
        awaitReady("sandbox", SANDBOX);
        launch("gateway-service", GATEWAY, null, List.of(
                "-Dgateway.public-base-url=" + gatewayUrl,
                "-Dgateway.media.signing-key=" + MEDIA_KEY));
        launch("command-service", COMMAND, "command", List.of(
                "-Dcommand.admin.numbers=" + ADMIN,
                "-Dcommand.admin.totp-secret=" + ADMIN_TOTP_SECRET));
        launch("balance-service", BALANCE, "balance", List.of(
                "-Dbalance.flash.url=" + sandboxUrl + "/graphql",
                "-Dbalance.media.public-base-url=" + gatewayUrl,
                "-Dbalance.media.signing-key=" + MEDIA_KEY,
                "-Dbalance.lnurl.base-url-override.\"wallet.example\"=" + sandboxUrl + "/sandbox/lnurl",
                "-Dbalance.crypto.active-key-id=e2e",
                "-Dbalance.crypto.keys.e2e=" + randomKey()));
        launch("notification-service", NOTIFICATION, "notification", List.of(
                "-Dapp.twilio.base-url=" + sandboxUrl,
                "-Dapp.twilio.status-callback=" + gatewayUrl + "/webhooks/twilio/status"));
        launch("ai-support-service", AI_SUPPORT, "ai_support", List.of(
                "-Dquarkus.rest-client.maple.url=" + sandboxUrl + "/v1"));
        for (var app : List.of("gateway-service:" + GATEWAY, "command-service:" + COMMAND,
                "balance-service:" + BALANCE, "notification-service:" + NOTIFICATION,
                "ai-support-service:" + AI_SUPPORT)) {
            var parts = app.split(":");
            awaitReady(parts[0], Integer.parseInt(parts[1]));
        }
    }

    private void launch(String module, int port, String database, List<String> extra) throws IOException {
        var jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the apps first (./mvnw package)");
        }
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Drabbitmq-virtual-host=" + VHOST,
                "-Dquarkus.redis.hosts=redis://localhost:6379/" + REDIS_DB));
        if (database != null) {
            command.add("-Dquarkus.datasource.reactive.url=postgresql://localhost:5432/" + database + "_e2e");
            command.add("-Dquarkus.datasource.jdbc.url=jdbc:postgresql://localhost:5432/" + database + "_e2e");
            command.add("-Dquarkus.flyway.clean-at-start=true");
        }
        command.addAll(extra);
        command.add("-jar");
        command.add(jar.toString());
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(module + ".log").toFile())
                .start();
        running.put(module, process);
    }

    private void awaitReady(String module, int port) throws Exception {
        var deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadline) {
            var process = running.get(module);
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; see "
                        + logs.resolve(module + ".log"));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(module + " not ready after " + READY_TIMEOUT + "; see "
                + logs.resolve(module + ".log"));
    }

    /** A virtual host of our own, created afresh: no queue, message or consumer from another run or app. */
    private void freshVirtualHost() throws Exception {
        var vhost = MANAGEMENT + "/api/vhosts/" + VHOST;
        management("DELETE", vhost, null, 204, 404);
        management("PUT", vhost, "{}", 201, 204);
        management("PUT", MANAGEMENT + "/api/permissions/" + VHOST + "/guest",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", 201, 204);
    }

    private void management(String method, String url, String body, int... expected) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        var status = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        for (var ok : expected) {
            if (status == ok) {
                return;
            }
        }
        throw new IllegalStateException(method + " " + url + " answered " + status
                + " (is the RabbitMQ management plugin on? deploy/local/infra.sh enables it)");
    }

    private static String randomKey() {
        var key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static void flushRedis() throws IOException {
        try (var socket = new Socket("127.0.0.1", 6379)) {
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$6\r\nSELECT\r\n$1\r\n" + REDIS_DB + "\r\n*1\r\n$7\r\nFLUSHDB\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            var replies = in.readLine() + " " + in.readLine();
            if (!replies.equals("+OK +OK")) {
                throw new IllegalStateException("Redis did not flush database " + REDIS_DB + ": " + replies);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (var process : running.values()) {
            process.destroy();
        }
        for (var process : running.values()) {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        running.clear();
    }
}
