package com.flashapp.whatsapp.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** One look at the suite's state: each service's readiness and the depth of each queue of its virtual host. */
final class Probe {

    /** A queue's messages (ready + unacknowledged), consumers, and acknowledgements so far (RabbitMQ's stats). */
    record Queue(String name, long messages, long unacked, int consumers, long acked) {
        boolean deadLetters() {
            return name.endsWith(".dlq");
        }

        /** The service that consumes it, from the queue's prefix ({@code command.whatsapp-inbound}). */
        Apps.App owner() {
            var prefix = name.substring(0, Math.max(0, name.indexOf('.')));
            for (var app : Apps.App.services()) {
                if (app.module.equals(prefix + "-service")) {
                    return app;
                }
            }
            return null;
        }
    }

    /**
     * @param queues   null while the management API does not answer (RabbitMQ stopped)
     */
    record Snapshot(Instant at, Map<Apps.App, Boolean> ready, List<Queue> queues) {

        boolean allReady() {
            return ready.values().stream().allMatch(Boolean::booleanValue);
        }

        List<Apps.App> unready() {
            return ready.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
        }

        /** Messages in the work queues (not the dead-letter queues); -1 when unknown. */
        long backlog() {
            return queues == null ? -1 : queues.stream().filter(q -> !q.deadLetters()).mapToLong(Queue::messages).sum();
        }

        long deadLettered() {
            return queues == null ? -1 : queues.stream().filter(Queue::deadLetters).mapToLong(Queue::messages).sum();
        }

        /** Work queues holding more than {@code threshold} messages, e.g. {@code command.whatsapp-inbound=794/32u/1c}. */
        List<Queue> deeperThan(long threshold) {
            return queues == null ? List.of()
                    : queues.stream().filter(q -> !q.deadLetters() && q.messages() > threshold).toList();
        }

        /**
         * Work queues whose consumer holds unacknowledged messages and acknowledged none since {@code before}
         * (RabbitMQ refreshes its counts every 5 s: take {@code before} at least that long ago).
         */
        List<Queue> stuckSince(Snapshot before) {
            if (queues == null || before.queues == null) {
                return List.of();
            }
            var acked = new java.util.HashMap<String, Long>();
            before.queues.forEach(q -> acked.put(q.name(), q.acked()));
            return queues.stream().filter(q -> !q.deadLetters() && q.unacked() > 0
                    && acked.containsKey(q.name()) && acked.get(q.name()) == q.acked()).toList();
        }

        String queuesText(long threshold) {
            if (queues == null) {
                return "management API not answering";
            }
            var deep = deeperThan(threshold);
            var out = new ArrayList<String>();
            for (var q : deep) {
                out.add(q.name() + "=" + q.messages() + " (" + q.unacked() + " unacked, " + q.consumers()
                        + " consumers)");
            }
            return out.isEmpty() ? "backlog " + backlog() : String.join(", ", out);
        }
    }

    private final Apps apps;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    Probe(Apps apps) {
        this.apps = apps;
    }

    Snapshot look() throws InterruptedException {
        var ready = new LinkedHashMap<Apps.App, Boolean>();
        for (var app : Apps.App.services()) {
            ready.put(app, apps.ready(app));
        }
        return new Snapshot(Instant.now(), ready, queues());
    }

    /**
     * For each shard of a sharded queue ({@code <queue>.0} …), the connection of its single active consumer (as
     * the management API names it: client address -> broker address); shards with none are absent.
     */
    Map<String, String> activeShardConsumers(String queue) throws Exception {
        var vhost = URLEncoder.encode(apps.isolation().vhost(), StandardCharsets.UTF_8);
        var active = new TreeMap<String, String>();
        for (var consumer : Sandbox.JSON.readTree(Management.call("GET", "/api/consumers/" + vhost, null, 200))) {
            var name = consumer.path("queue").path("name").asText();
            if (name.matches(Pattern.quote(queue) + "\\.[0-9]+")
                    && (consumer.path("active").asBoolean(false)
                    || "single_active".equals(consumer.path("activity_status").asText()))) {
                active.put(name, consumer.path("channel_details").path("connection_name").asText());
            }
        }
        return active;
    }

    private List<Queue> queues() throws InterruptedException {
        var vhost = URLEncoder.encode(apps.isolation().vhost(), StandardCharsets.UTF_8);
        var request = HttpRequest.newBuilder(URI.create(Management.BASE + "/api/queues/" + vhost
                        + "?columns=name,messages,messages_unacknowledged,consumers,message_stats.ack"))
                .header("Authorization", Management.authorization())
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            var out = new ArrayList<Queue>();
            for (var q : Sandbox.JSON.readTree(response.body())) {
                out.add(new Queue(q.path("name").asText(), q.path("messages").asLong(),
                        q.path("messages_unacknowledged").asLong(), q.path("consumers").asInt(),
                        q.path("message_stats").path("ack").asLong()));
            }
            return out;
        } catch (java.io.IOException down) {
            return null;
        }
    }
}
