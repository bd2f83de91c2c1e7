package com.flashapp.whatsapp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Looks for a user's traces in every store of a suite's isolation: every row of every table of each service's
 * database (as text, and bytea columns as bytes), every Redis key of its database (name and value), and every message
 * waiting in any queue of its virtual host. Uses psql and redis-cli (deploy/local/infra.sh installs both) and the
 * RabbitMQ management API.
 */
final class Residue {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Residue() {
    }

    /** Where each needle was found ("db.table", "redis key …", "queue …"); empty when nowhere. */
    static List<String> find(Apps.Isolation isolation, List<String> needles) throws Exception {
        var found = new ArrayList<String>();
        for (var app : Apps.App.values()) {
            if (app.database != null && !app.secondReplica()) {
                found.addAll(inDatabase(app.database + isolation.databaseSuffix(), needles));
            }
        }
        found.addAll(inRedis(isolation.redisDb(), needles));
        found.addAll(inQueues(isolation.vhost(), needles));
        return found;
    }

    /** The userRef the services know a number by (from notification-service's outbox or links). */
    static String userRef(Apps.Isolation isolation, String whatsapp) throws Exception {
        var rows = psql(Apps.App.NOTIFICATION.database + isolation.databaseSuffix(), "select user_ref from "
                + "outbound_message where to_address = '" + whatsapp.replace("'", "''") + "' and user_ref is not null "
                + "limit 1");
        if (rows.isEmpty()) {
            throw new IllegalStateException("no message to " + whatsapp + " with a userRef");
        }
        return rows.get(0);
    }

    /** The rows (columns joined by |) a query returns in one app's database of the suite. */
    static List<String> query(Apps.Isolation isolation, Apps.App app, String sql) throws Exception {
        return psql(app.database + isolation.databaseSuffix(), sql);
    }

    private static List<String> inDatabase(String database, List<String> needles) throws Exception {
        var found = new ArrayList<String>();
        var tables = psql(database, "select table_name, coalesce(string_agg(column_name, ',') filter "
                + "(where data_type = 'bytea'), '') from information_schema.columns where table_schema = 'public' "
                + "and table_name <> 'flyway_schema_history' group by table_name order by table_name");
        for (var line : tables) {
            var parts = line.split("\\|", -1);
            var table = parts[0];
            for (var needle : needles) {
                var literal = "'" + needle.replace("'", "''") + "'";
                var where = new StringBuilder("t::text like '%' || " + literal + " || '%'");
                for (var column : parts[1].split(",")) {
                    if (!column.isBlank()) {
                        where.append(" or position(convert_to(").append(literal).append(", 'UTF8') in t.")
                                .append(column).append(") > 0");
                    }
                }
                var count = psql(database, "select count(*) from " + table + " t where " + where);
                if (!count.isEmpty() && !"0".equals(count.get(0))) {
                    found.add(database + "." + table + " (" + count.get(0) + " rows with " + needle + ")");
                }
            }
        }
        return found;
    }

    private static List<String> inRedis(int db, List<String> needles) throws Exception {
        var found = new ArrayList<String>();
        for (var key : run(List.of("redis-cli", "-n", String.valueOf(db), "--scan"), null)) {
            var type = run(List.of("redis-cli", "-n", String.valueOf(db), "type", key), null);
            var read = switch (type.isEmpty() ? "" : type.get(0)) {
                case "string" -> List.of("get", key);
                case "stream" -> List.of("xrange", key, "-", "+");
                case "hash" -> List.of("hgetall", key);
                case "list" -> List.of("lrange", key, "0", "-1");
                case "set" -> List.of("smembers", key);
                case "zset" -> List.of("zrange", key, "0", "-1");
                default -> List.<String>of();
            };
            var value = new ArrayList<String>();
            if (!read.isEmpty()) {
                var command = new ArrayList<>(List.of("redis-cli", "-n", String.valueOf(db)));
                command.addAll(read);
                value.addAll(run(command, null));
            }
            var text = key + "\n" + String.join("\n", value);
            for (var needle : needles) {
                if (text.contains(needle)) {
                    found.add("redis " + key + " (" + needle + ")");
                }
            }
        }
        return found;
    }

    private static List<String> inQueues(String vhost, List<String> needles) throws Exception {
        var found = new ArrayList<String>();
        var base = "/api/queues/" + URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        for (JsonNode queue : JSON.readTree(Management.call("GET", base, null, 200))) {
            if (queue.path("messages").asLong() == 0) {
                continue;
            }
            var name = queue.get("name").asText();
            var messages = JSON.readTree(Management.call("POST", base + "/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                    + "/get", "{\"count\":10000,\"ackmode\":\"ack_requeue_true\",\"encoding\":\"auto\"}", 200));
            for (JsonNode message : messages) {
                var payload = message.path("payload").asText();
                for (var needle : needles) {
                    if (payload.contains(needle)) {
                        found.add("queue " + name + " (" + needle + ")");
                    }
                }
            }
        }
        return found;
    }

    private static List<String> psql(String database, String sql) throws Exception {
        return run(List.of("psql", "-h", "127.0.0.1", "-U", "flash", "-d", database, "-At", "-v", "ON_ERROR_STOP=1",
                "-c", sql), "flash");
    }

    private static List<String> run(List<String> command, String pgPassword) throws Exception {
        var builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (pgPassword != null) {
            builder.environment().put("PGPASSWORD", pgPassword);
        }
        var process = builder.start();
        var out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command.subList(0, Math.min(4, command.size()))) + " failed: "
                    + out);
        }
        return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }
}
