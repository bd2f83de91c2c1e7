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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The six packaged apps, started as separate JVMs from {@code <module>/target/quarkus-app/quarkus-run.jar} with
 * the {@code local} profile (production settings with the public development secrets, which the prod profile
 * refuses: {@code ProductionSecretsIT}), pointed at each other and isolated from anything else on the machine by an
 * {@link Isolation}: ports of their own, a RabbitMQ virtual host (deleted and created afresh), a Redis database
 * (flushed) and PostgreSQL databases {@code <name><suffix>} (cleaned by Flyway at the first start). A developer's
 * {@code ./run.sh} apps on the default ports and vhost, and another suite's apps, are therefore left alone, and
 * nobody steals anybody's queue messages.
 */
final class Apps implements AutoCloseable {

    /**
     * One app: its module, its port (offset from the suite's first port) and its database, if any. The five services
     * serve health and metrics on a management port of their own ({@link Isolation#healthPort}); the sandbox, never
     * deployed, on its one port.
     */
    enum App {
        SANDBOX("sandbox", 9, null),
        GATEWAY("gateway-service", 0, null),
        COMMAND("command-service", 1, "command"),
        BALANCE("balance-service", 2, "balance"),
        NOTIFICATION("notification-service", 3, "notification"),
        AI_SUPPORT("ai-support-service", 4, "ai_support"),
        /** A second replica of command-service (FaultSuiteIT's rolling restart): started on its own, never first. */
        COMMAND_2("command-service", 5, "command", "command-service@2");

        final String module;
        final int portOffset;
        final String database;
        private final String name;

        App(String module, int portOffset, String database) {
            this(module, portOffset, database, module);
        }

        App(String module, int portOffset, String database, String name) {
            this.module = module;
            this.portOffset = portOffset;
            this.database = database;
            this.name = name;
        }

        /** Another replica of an app of the suite: same module and database, which its first start leaves alone. */
        boolean secondReplica() {
            return !name.equals(module);
        }

        /** Whether it serves health on a management port of its own (the services; quarkus.management.enabled). */
        boolean hasManagementPort() {
            return this != SANDBOX;
        }

        /** The five services of the product (not the sandbox). */
        static List<App> services() {
            return List.of(GATEWAY, COMMAND, BALANCE, NOTIFICATION, AI_SUPPORT);
        }
    }

    /** What keeps one suite's apps apart from everything else on the machine. */
    record Isolation(int firstPort, String vhost, int redisDb, String databaseSuffix) {

        /**
         * {@code ConversationIT}: ports 18180–18189 (management 19180–19184), vhost flash-e2e, Redis 5, databases
         * {@code *_e2e}.
         */
        static final Isolation E2E = new Isolation(18180, "flash-e2e", 5, "_e2e");
        /**
         * {@code FaultSuiteIT}: ports 18280–18289 (management 19280–19284), vhost flash-faults, Redis 6, databases
         * {@code *_faults}.
         */
        static final Isolation FAULTS = new Isolation(18280, "flash-faults", 6, "_faults");

        int port(App app) {
            return firstPort + app.portOffset;
        }

        /** Where it answers {@code /q/health/*}: a service's management port (its port + 1000), the sandbox's port. */
        int healthPort(App app) {
            return app.hasManagementPort() ? port(app) + MANAGEMENT_PORT_OFFSET : port(app);
        }
    }

    /** A service's management port is its HTTP port plus this, here as in ./run.sh (9080-9084 for 8080-8084). */
    static final int MANAGEMENT_PORT_OFFSET = 1000;

    /** Production settings plus the development secrets of the local servers and the sandbox. */
    static final String PROFILE = "local";
    static final String MEDIA_KEY = "e2e-media-signing-key";
    static final String ADMIN = "+18765550999";
    /** The support agent's number (human handoff), as ./run.sh configures it for the sandbox. */
    static final String AGENT = "+18765550190";
    /** Base32 TOTP secret of the admin (RFC 6238, SHA-1, 6 digits, 30 s). */
    static final String ADMIN_TOTP_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    /** ai-support's {@code app.support.handoff.idle-close} in ConversationIT's isolation (30 minutes elsewhere). */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(15);
    static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path root;
    private final Path logs;
    private final Isolation isolation;
    /** balance-service's token encryption key: the same across restarts, or linked users' tokens become unreadable. */
    private final String cryptoKey = randomKey();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<App, Process> running = new ConcurrentHashMap<>();

    Apps(Path root, Path logs, Isolation isolation) {
        this.root = root;
        this.logs = logs;
        this.isolation = isolation;
    }

    Isolation isolation() {
        return isolation;
    }

    int port(App app) {
        return isolation.port(app);
    }

    /** The file that moves balance-service's invite clock forward (ConversationIT): an ISO-8601 duration. */
    Path inviteClock() {
        return logs.resolve("invite-clock");
    }

    Path log(App app) {
        return logs.resolve(app.name + ".log");
    }

    /** Starts the sandbox, then the five services on fresh stores, and waits until every one is ready. */
    void start() throws Exception {
        Files.createDirectories(logs);
        freshVirtualHost();
        flushRedis();
        launch(App.SANDBOX, true);
        awaitReady(App.SANDBOX, READY_TIMEOUT);
        for (var app : App.services()) {
            launch(app, true);
        }
        for (var app : App.services()) {
            awaitReady(app, READY_TIMEOUT);
        }
    }

    /**
     * Starts one app. {@code fresh}: the first start of a run — its log is truncated and its database cleaned by
     * Flyway; a restart keeps both (a restarted service must find its inbox and outbox as it left them).
     */
    synchronized void launch(App app, boolean fresh) throws IOException {
        var jar = root.resolve(app.module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the apps first (./mvnw package)");
        }
        var gatewayUrl = "http://localhost:" + port(App.GATEWAY);
        var sandboxUrl = "http://localhost:" + port(App.SANDBOX);
        var command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port(app), "-Dquarkus.profile=" + PROFILE,
                "-Drabbitmq-virtual-host=" + isolation.vhost(),
                // each service as its own Redis ACL user (deploy/local/infra.sh), as in the local profile
                "-Dquarkus.redis.hosts=redis://" + app.module + ":" + app.module + "-local@localhost:6379/"
                        + isolation.redisDb()));
        if (app.hasManagementPort()) {
            command.add("-Dquarkus.management.host=127.0.0.1");
            command.add("-Dquarkus.management.port=" + isolation.healthPort(app));
        }
        if (app.database != null) {
            var database = app.database + isolation.databaseSuffix();
            command.add("-Dquarkus.datasource.reactive.url=postgresql://localhost:5432/" + database);
            command.add("-Dquarkus.datasource.jdbc.url=jdbc:postgresql://localhost:5432/" + database);
            command.add("-Dquarkus.flyway.clean-at-start=" + (fresh && !app.secondReplica()));
        }
        command.addAll(switch (app) {
            case SANDBOX -> List.of(
                    "-Dsandbox.gateway.webhook-url=" + gatewayUrl + "/webhooks/twilio/messages",
                    "-Dsandbox.twilio.callback-interval=50ms",
                    // voice notes' media URLs on one host, as Twilio's are: ai-support sends its credentials there only
                    "-Dsandbox.twilio.media-base-url=" + sandboxUrl);
            case GATEWAY -> List.of(
                    "-Dgateway.public-base-url=" + gatewayUrl,
                    "-Dgateway.media.signing-key=" + MEDIA_KEY);
            case COMMAND, COMMAND_2 -> List.of(
                    "-Dcommand.admin.accounts=" + ADMIN + ":" + ADMIN_TOTP_SECRET,
                    "-Dcommand.handoff.agents=" + AGENT);
            case BALANCE -> List.of(
                    "-Dbalance.flash.url=" + sandboxUrl + "/graphql",
                    "-Dbalance.media.public-base-url=" + gatewayUrl,
                    "-Dbalance.media.signing-key=" + MEDIA_KEY,
                    "-Dbalance.lnurl.base-url-override.\"wallet.example\"=" + sandboxUrl + "/sandbox/lnurl",
                    "-Dbalance.crypto.active-key-id=e2e",
                    "-Dbalance.crypto.keys.e2e=" + cryptoKey,
                    // shared contact cards: Twilio's media API is the sandbox's
                    "-Dwallet.contacts.twilio-base-url=" + sandboxUrl);
            case NOTIFICATION -> List.of(
                    "-Dapp.twilio.base-url=" + sandboxUrl,
                    "-Dapp.twilio.status-callback=" + gatewayUrl + "/webhooks/twilio/status");
            case AI_SUPPORT -> List.of(
                    "-Dquarkus.rest-client.maple.url=" + sandboxUrl + "/v1",
                    // voice notes: Twilio's media API is the sandbox's
                    "-Dapp.support.voice.twilio.base-url=" + sandboxUrl,
                    // human handoff: one agent, on duty around the clock (as ./run.sh)
                    "-Dapp.support.handoff.agents=" + AGENT,
                    "-Dapp.support.handoff.days=MON-SUN",
                    "-Dapp.support.handoff.opens=00:00",
                    "-Dapp.support.handoff.closes=24:00",
                    // voice replies ("voice on"): served by this suite's gateway, signed with its key
                    "-Dapp.support.media.public-base-url=" + gatewayUrl,
                    "-Dapp.support.media.signing-key=" + MEDIA_KEY);
        });
        if (app == App.AI_SUPPORT && isolation.equals(Isolation.E2E)) {
            // ConversationIT's idle-close step: an assigned ticket left alone closes in seconds, not 30 minutes
            // (long enough for the other handoff steps, whose messages follow each other within a few seconds)
            command.add("-Dapp.support.handoff.idle-close=" + IDLE_CLOSE.toSeconds() + "S");
            command.add("-Dapp.support.handoff.idle-every=2s");
        }
        if (app == App.BALANCE && isolation.equals(Isolation.E2E)) {
            // ConversationIT's invite expiry: the invites' clock is moved by a file (a test hook of the local
            // profile), and expired invites are closed every 2 s rather than every minute
            command.add("-Dwallet.invites.clock-file=" + inviteClock().toAbsolutePath());
            command.add("-Dwallet.invites.expiry-interval=2s");
            if (fresh) {
                Files.deleteIfExists(inviteClock());
            }
        }
        command.add("-jar");
        command.add(jar.toString());
        var log = log(app).toFile();
        if (!fresh) {
            Files.writeString(log.toPath(), "\n===== " + Instant.now() + " restarted by the test =====\n\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        var process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(fresh ? ProcessBuilder.Redirect.to(log) : ProcessBuilder.Redirect.appendTo(log))
                .start();
        running.put(app, process);
    }

    /** kill -9: the JVM gets no chance to finish anything (unacked deliveries, pending confirms, open sends). */
    synchronized void kill(App app) throws InterruptedException {
        var process = running.get(app);
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }

    /** A graceful stop (SIGTERM, then SIGKILL after 20 s), as an operator's restart does. */
    synchronized void stop(App app) throws InterruptedException {
        var process = running.get(app);
        if (process != null) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether the app's process runs and answers {@code /q/health/ready} (on its health port) with 200 right now. */
    boolean ready(App app) {
        var process = running.get(app);
        if (process == null || !process.isAlive()) {
            return false;
        }
        var url = "http://127.0.0.1:" + isolation.healthPort(app) + "/q/health/ready";
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notListening) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void awaitReady(App app, Duration timeout) throws Exception {
        var deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            var process = running.get(app);
            if (!process.isAlive()) {
                throw new IllegalStateException(app.name + " exited with " + process.exitValue() + "; see "
                        + log(app));
            }
            if (ready(app)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(app.name + " not ready after " + timeout + "; see " + log(app));
    }

    /** A virtual host of our own, created afresh: no queue, message or consumer from another run or app. */
    private void freshVirtualHost() throws Exception {
        var vhost = "/api/vhosts/" + isolation.vhost();
        Management.call("DELETE", vhost, null, 204, 404);
        Management.call("PUT", vhost, "{}", 201, 204);
        Management.call("PUT", "/api/permissions/" + isolation.vhost() + "/guest",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", 201, 204);
        // each service's own user (deploy/local/infra.sh) with the permissions it has on the default virtual host
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (var permission : json.readTree(Management.call("GET", "/api/vhosts/%2F/permissions", null, 200))) {
            var user = permission.get("user").asText();
            if (!user.equals("guest")) {
                var body = json.createObjectNode();
                for (var field : List.of("configure", "write", "read")) {
                    body.put(field, permission.get(field).asText());
                }
                Management.call("PUT", "/api/permissions/" + isolation.vhost() + "/" + user, body.toString(),
                        201, 204);
            }
        }
    }

    private static String randomKey() {
        var key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private void flushRedis() throws IOException {
        var db = String.valueOf(isolation.redisDb());
        try (var socket = new Socket("127.0.0.1", 6379)) {
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$6\r\nSELECT\r\n$" + db.length() + "\r\n" + db + "\r\n*1\r\n$7\r\nFLUSHDB\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            var replies = in.readLine() + " " + in.readLine();
            if (!replies.equals("+OK +OK")) {
                throw new IllegalStateException("Redis did not flush database " + db + ": " + replies);
            }
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (var process : running.values()) {
            process.destroy();
        }
        for (var process : running.values()) {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        running.clear();
    }
}
