package com.flashapp.whatsapp.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Stops and starts the machine's shared RabbitMQ, Redis and PostgreSQL for the fault suite — and always starts
 * again what it stopped: each stop records how to undo it, and {@link #restoreAll()} (called from the suite's
 * {@code finally} and from a JVM shutdown hook) runs whatever is still to be undone.
 *
 * <p>Runs the servers' own tools: {@code rabbitmqctl stop_app|start_app}; {@code redis-cli shutdown nosave} and
 * {@code redis-server} with the running server's own settings (read with {@code CONFIG GET}, since Redis rewrites
 * its process title); {@code pg_ctlcluster --skip-systemctl-redirect <newest version in /etc/postgresql> main
 * stop|start}. They need root: as another user every command goes through {@code sudo -n}, and without
 * password-less sudo the suite fails at once with that message.
 */
final class Servers {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration PORT_TIMEOUT = Duration.ofSeconds(120);

    private final List<String> sudo;
    /** What is stopped now, and the command that starts it again. */
    private final Map<String, List<String>> toRestore = new LinkedHashMap<>();
    private final StringBuilder journal = new StringBuilder();

    Servers() throws IOException, InterruptedException {
        this.sudo = privileges();
    }

    /** Root, or password-less sudo; anything else is a clear failure, never a silent skip. */
    private static List<String> privileges() throws IOException, InterruptedException {
        var id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        var uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        id.waitFor();
        if ("0".equals(uid)) {
            return List.of();
        }
        boolean sudo;
        try {
            var check = new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true).start();
            sudo = check.waitFor(10, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (IOException noSudo) {
            sudo = false;
        }
        if (!sudo) {
            throw new IllegalStateException("The fault suite stops and starts RabbitMQ, Redis and PostgreSQL: run it "
                    + "as root or as a user with password-less sudo (`sudo -n true` failed for uid " + uid + ")");
        }
        return List.of("sudo", "-n");
    }

    // ------------------------------------------------------------------ RabbitMQ

    void stopRabbitMq() throws IOException, InterruptedException {
        stopping("RabbitMQ", List.of("rabbitmqctl", "start_app"));
        run(List.of("rabbitmqctl", "stop_app"));
    }

    void startRabbitMq() throws IOException, InterruptedException {
        restore("RabbitMQ");
    }

    // ------------------------------------------------------------------ Redis

    /** Shuts Redis down without saving: a server without persistence (as deployed) comes back empty. */
    void stopRedis() throws IOException, InterruptedException {
        var start = redisCommandLine();
        stopping("Redis", start);
        // the connection closes under redis-cli, which may then exit non-zero: what counts is that the port closes
        runIgnoringExit(List.of("redis-cli", "-p", "6379", "shutdown", "nosave"));
        awaitPort(6379, false);
    }

    void startRedis() throws IOException, InterruptedException {
        restore("Redis");
    }

    /** The running server's settings as a redis-server command line (its process title no longer shows them). */
    private List<String> redisCommandLine() throws IOException, InterruptedException {
        var settings = new LinkedHashMap<String, String>();
        for (var name : List.of("bind", "port", "save", "appendonly", "dir", "logfile", "dbfilename")) {
            var out = output(List.of("redis-cli", "-p", "6379", "--raw", "config", "get", name)).split("\n", -1);
            if (out.length < 2 || !out[0].trim().equals(name)) {
                throw new IllegalStateException("redis-cli config get " + name + " answered: " + String.join("|", out));
            }
            settings.put(name, out[1].trim());
        }
        var configFile = output(List.of("redis-cli", "-p", "6379", "info", "server")).lines()
                .filter(l -> l.startsWith("config_file:")).map(l -> l.substring("config_file:".length()).trim())
                .findFirst().orElse("");
        // the services' ACL users (deploy/local/infra.sh) are in this file: a restart without it would drop them
        var aclFile = output(List.of("redis-cli", "-p", "6379", "--raw", "config", "get", "aclfile")).split("\n", -1);
        if (aclFile.length >= 2 && !aclFile[1].isBlank()) {
            settings.put("aclfile", aclFile[1].trim());
        }
        var command = new ArrayList<String>();
        command.add("redis-server");
        if (!configFile.isEmpty()) {
            command.add(configFile);
        }
        command.add("--daemonize");
        command.add("yes");
        for (var e : settings.entrySet()) {
            command.add("--" + e.getKey());
            if (e.getKey().equals("bind")) {
                command.addAll(List.of(e.getValue().split("\\s+")));
            } else {
                command.add(e.getValue());
            }
        }
        return command;
    }

    // ------------------------------------------------------------------ PostgreSQL

    void stopPostgres() throws IOException, InterruptedException {
        var version = postgresVersion();
        stopping("PostgreSQL", List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"));
        run(List.of("pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "stop", "-m", "fast"));
        awaitPort(5432, false);
    }

    void startPostgres() throws IOException, InterruptedException {
        restore("PostgreSQL");
    }

    private static String postgresVersion() throws IOException {
        try (var versions = Files.list(Path.of("/etc/postgresql"))) {
            return versions.map(p -> p.getFileName().toString()).filter(v -> v.matches("\\d+(\\.\\d+)?"))
                    .max(Comparator.comparingDouble(Double::parseDouble))
                    .orElseThrow(() -> new IllegalStateException("no PostgreSQL cluster in /etc/postgresql"));
        }
    }

    // ------------------------------------------------------------------ restoring

    private synchronized void stopping(String server, List<String> start) {
        toRestore.put(server, start);
        note("stopping " + server);
    }

    private synchronized void restore(String server) throws IOException, InterruptedException {
        var start = toRestore.get(server);
        if (start == null) {
            return;
        }
        note("starting " + server);
        run(start);
        switch (server) {
            case "Redis" -> awaitPort(6379, true);
            case "PostgreSQL" -> awaitPort(5432, true);
            default -> awaitPort(5672, true);
        }
        toRestore.remove(server);
    }

    /** Starts again every server still stopped; never throws (it runs in finally blocks and shutdown hooks). */
    synchronized void restoreAll() {
        for (var server : List.copyOf(toRestore.keySet())) {
            try {
                restore(server);
            } catch (Exception | Error e) {
                note("COULD NOT START " + server + " AGAIN: " + e.getMessage() + " — start it by hand: "
                        + String.join(" ", toRestore.get(server)));
                System.err.println("[faults] could not start " + server + " again: " + e.getMessage());
            }
        }
    }

    synchronized String journal() {
        return journal.toString();
    }

    private void note(String line) {
        journal.append(java.time.Instant.now()).append(' ').append(line).append('\n');
        System.out.println("[faults] " + line);
    }

    // ------------------------------------------------------------------ processes

    private void run(List<String> command) throws IOException, InterruptedException {
        var result = execute(command);
        if (result.exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exit + ": "
                    + result.output.trim());
        }
    }

    private void runIgnoringExit(List<String> command) throws IOException, InterruptedException {
        execute(command);
    }

    private String output(List<String> command) throws IOException, InterruptedException {
        var result = execute(command);
        if (result.exit != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exit + ": "
                    + result.output.trim());
        }
        return result.output;
    }

    private record Result(int exit, String output) {
    }

    private Result execute(List<String> command) throws IOException, InterruptedException {
        var full = new ArrayList<>(sudo);
        full.addAll(command);
        var process = new ProcessBuilder(full).redirectErrorStream(true).start();
        // read before waiting: a chatty tool must not block on a full pipe
        var output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
        }
        return new Result(process.exitValue(), output);
    }

    private static void awaitPort(int port, boolean open) throws InterruptedException {
        var deadline = System.nanoTime() + PORT_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (portOpen(port) == open) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("port " + port + " still " + (open ? "closed" : "open") + " after "
                + PORT_TIMEOUT);
    }

    static boolean portOpen(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException closed) {
            return false;
        }
    }
}
