package com.flashapp.whatsapp.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Sustained sends through notification-service: publishes {@code whatsapp.outbound} replies (over AMQP with
 * publisher confirms by default, {@code --via=management} for the RabbitMQ management API; {@code --rate} paces
 * them, 0 = as fast as possible) to the bench exchange the script binds the bench instance to, then reads what the
 * sandbox's Twilio simulator received and reports sends per second and the delay from publish to Twilio request.
 * Loopback only; bounded by --messages and --timeout.
 */
public final class NotificationBench {

    private static final Pattern ENTRY = Pattern.compile(
            "\"body\"\\s*:\\s*\"bench (\\d+)\".*?\"dateCreated\"\\s*:\\s*\"([^\"]+)\"");

    private NotificationBench() {
    }

    public static void main(String[] args) throws Exception {
        var options = new java.util.HashMap<String, String>();
        for (var arg : args) {
            var kv = arg.replaceFirst("^--", "").split("=", 2);
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int messages = Math.min(Integer.parseInt(options.getOrDefault("messages", "5000")), 250_000);
        int recipients = Integer.parseInt(options.getOrDefault("recipients", "100"));
        int publishers = Integer.parseInt(options.getOrDefault("publishers", "16"));
        var exchange = options.getOrDefault("exchange", "bench.whatsapp.outbound");
        var management = options.getOrDefault("management", "http://127.0.0.1:15672");
        var sandbox = options.getOrDefault("sandbox", "http://127.0.0.1:18089");
        var timeout = Duration.ofSeconds(Long.parseLong(options.getOrDefault("timeout", "120")));
        for (var url : List.of(management, sandbox)) {
            var host = URI.create(url).getHost();
            if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
                throw new IllegalArgumentException("loopback only: " + url);
            }
        }

        // the service's own histograms (consume → Twilio request, ...), read at the start and the end of the
        // measured phase: the latency measure, without the broker's part that publish → Twilio includes
        var metrics = options.getOrDefault("metrics", "http://127.0.0.1:19083/q/metrics");
        var metricsHost = URI.create(metrics).getHost();
        if (!metricsHost.equals("127.0.0.1") && !metricsHost.equals("localhost")) {
            throw new IllegalArgumentException("loopback only: " + metrics);
        }
        var via = options.getOrDefault("via", "amqp");
        var amqp = URI.create("amqp://" + options.getOrDefault("amqp", "127.0.0.1:5672"));
        if (!amqp.getHost().equals("127.0.0.1") && !amqp.getHost().equals("localhost")) {
            throw new IllegalArgumentException("loopback only: " + amqp);
        }
        // messages per second over all publishers; 0 = as fast as they can (a backlog test)
        double rate = Double.parseDouble(options.getOrDefault("rate", "0"));
        // the first messages warm the JVMs (JIT) and are sent like the others but left out of the figures
        int warmup = Math.min(Integer.parseInt(options.getOrDefault("warmup", "0")), messages - 1);
        // the warm-up is paced on its own (a cold JVM is slow: at the full rate it would only build a backlog the
        // measured messages queue behind), then a pause lets it drain before the measured messages start
        double warmupRate = Double.parseDouble(options.getOrDefault("warmup-rate", String.valueOf(rate)));
        long warmupPauseMs = warmup == 0 ? 0 : Long.parseLong(options.getOrDefault("warmup-pause", "5")) * 1000;

        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        var auth = "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
        var publishUrl = URI.create(management + "/api/exchanges/%2F/" + exchange + "/publish");
        var runId = Long.toString(System.currentTimeMillis() % 10_000_000L);
        var publishedAt = new ConcurrentHashMap<Integer, Long>();
        var next = new AtomicInteger();
        var failures = new AtomicInteger();
        var broker = "amqp".equals(via) ? new AmqpPublisher(amqp.getHost(), amqp.getPort(), "guest", "guest", "/",
                seq -> publishedAt.remove(seq)) : null;
        System.out.printf("machine speed         %d ms for a fixed single-threaded loop (lower is faster; compare runs"
                + " by it: this VM's speed was seen to vary)%n", calibrate());
        var histogramsAtStart = new java.util.concurrent.atomic.AtomicReference<String>();
        var cpuAtStart = new java.util.concurrent.atomic.AtomicReference<java.util.Map<String, Double>>();
        var names = new java.util.HashMap<String, String>();
        var servicePid = options.getOrDefault("service-pid", "-");
        var threadsAtStart = new java.util.concurrent.atomic.AtomicReference<java.util.Map<String, Double>>();
        names.put(servicePid, "notification-service");
        names.put(options.getOrDefault("sandbox-pid", "-"), "sandbox (simulator)");
        names.put(String.valueOf(ProcessHandle.current().pid()), "bench publisher");
        if (warmup == 0) {
            histogramsAtStart.set(scrape(http, metrics));
            cpuAtStart.set(cpuByProcess(names));
            threadsAtStart.set(cpuByThreadGroup(servicePid));
        }
        var started = System.currentTimeMillis();
        var pool = Executors.newFixedThreadPool(publishers);
        try {
            for (int p = 0; p < publishers; p++) {
                pool.submit(() -> {
                    for (int seq = next.getAndIncrement(); seq < messages; seq = next.getAndIncrement()) {
                        long due = -1;
                        if (seq < warmup && warmupRate > 0) {
                            due = started + (long) (seq * 1000 / warmupRate);
                        } else if (seq >= warmup && rate > 0) {
                            due = started + (warmupRate > 0 ? (long) (warmup * 1000 / warmupRate) : 0)
                                    + warmupPauseMs + (long) ((seq - warmup) * 1000 / rate);
                        } else if (seq == warmup && warmup > 0) {
                            due = started + warmupPauseMs;
                        }
                        if (seq == warmup && warmup > 0) {
                            // the starting readings are taken halfway through the pause, not with the first
                            // measured publish: rendering the service's metrics page costs it CPU, which then fell
                            // on the first measured second (its worst in every run)
                            pause(due - warmupPauseMs / 2);
                            histogramsAtStart.set(scrape(http, metrics));
                            cpuAtStart.set(cpuByProcess(names));
                            threadsAtStart.set(cpuByThreadGroup(servicePid));
                        }
                        if (due >= 0) {
                            pause(due);
                        }
                        var to = recipient(runId, seq % recipients);
                        var payload = outbound(seq, to);
                        if (broker != null) {
                            try {
                                publishedAt.put(seq, System.currentTimeMillis());
                                broker.publish(exchange, "reply", payload.getBytes(StandardCharsets.UTF_8), seq);
                            } catch (Exception e) {
                                publishedAt.remove(seq);
                                failures.incrementAndGet();
                            }
                            continue;
                        }
                        var body = "{\"properties\":{\"delivery_mode\":2,\"content_type\":\"application/json\"},"
                                + "\"routing_key\":\"reply\",\"payload\":" + quote(payload)
                                + ",\"payload_encoding\":\"string\"}";
                        var request = HttpRequest.newBuilder(publishUrl).header("Authorization", auth)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        try {
                            var response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            if (response.statusCode() == 200 && response.body().contains("true")) {
                                publishedAt.put(seq, System.currentTimeMillis());
                            } else {
                                failures.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                    return null;
                });
            }
        } finally {
            pool.shutdown();
            pool.awaitTermination(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        }
        if (broker != null) {
            if (!broker.awaitConfirms(timeout.toMillis())) {
                System.out.println("the broker did not confirm every message in time");
            }
            failures.addAndGet(broker.nacked());
            broker.close();
        }
        // before the simulator is polled (that reading costs both sides CPU the measured sends did not)
        var cpuAtEnd = cpuByProcess(names);
        var threadsAtEnd = cpuByThreadGroup(servicePid);
        var publishSeconds = (System.currentTimeMillis() - started) / 1000.0;
        System.out.printf("published %d of %d in %.1f s via %s (%.0f/s, %d failures)%n", publishedAt.size(),
                messages, publishSeconds, "amqp".equals(via) ? "AMQP" : "the management API",
                publishedAt.size() / Math.max(0.001, publishSeconds), failures.get());

        var sentAt = new ConcurrentHashMap<Integer, Long>();
        var expected = new int[recipients];
        publishedAt.keySet().forEach(seq -> expected[seq % recipients]++);
        var received = new int[recipients];
        var deadline = Instant.now().plus(timeout);
        while (sentAt.size() < publishedAt.size() && Instant.now().isBefore(deadline)) {
            for (int r = 0; r < recipients; r++) {
                if (received[r] >= expected[r]) {
                    continue; // complete: polling it again would only load the simulator being measured against
                }
                var to = recipient(runId, r);
                var url = URI.create(sandbox + "/sandbox/twilio/messages?to="
                        + java.net.URLEncoder.encode(to, StandardCharsets.UTF_8));
                var list = http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofString());
                int found = 0;
                for (var item : list.body().split("\\},\\s*\\{")) {
                    var m = ENTRY.matcher(item);
                    if (m.find()) {
                        found++;
                        sentAt.putIfAbsent(Integer.parseInt(m.group(1)), Instant.parse(m.group(2)).toEpochMilli());
                    }
                }
                received[r] = found;
            }
            if (sentAt.size() < publishedAt.size()) {
                // the simulator's own timestamps carry the measurement; polling only detects the end
                Thread.sleep(2000);
            }
        }
        var delays = new ArrayList<Long>();
        long lastSent = 0;
        long firstMeasured = Long.MAX_VALUE;
        int warmupSent = 0;
        for (var e : sentAt.entrySet()) {
            var published = publishedAt.get(e.getKey());
            if (published == null) {
                continue;
            }
            if (e.getKey() < warmup) {
                warmupSent++;
                continue;
            }
            delays.add(e.getValue() - published);
            lastSent = Math.max(lastSent, e.getValue());
            firstMeasured = Math.min(firstMeasured, published);
        }
        // the measured phase second by second (by publish time): a tail made of a few stalls looks different from
        // one spread over the whole run
        var perSecond = new java.util.TreeMap<Long, long[]>(); // second -> {messages, over 50 ms, max}
        for (var e : sentAt.entrySet()) {
            var published = publishedAt.get(e.getKey());
            if (published == null || e.getKey() < warmup) {
                continue;
            }
            long delay = e.getValue() - published;
            var s = perSecond.computeIfAbsent((published - firstMeasured) / 1000, k -> new long[3]);
            s[0]++;
            s[1] += delay > 50 ? 1 : 0;
            s[2] = Math.max(s[2], delay);
        }
        Collections.sort(delays);
        var seconds = (lastSent - (warmup > 0 ? firstMeasured : started)) / 1000.0;
        if (warmup > 0) {
            System.out.printf("warm-up               %d of %d sent (not counted below)%n", warmupSent, warmup);
        }
        System.out.printf("sent to Twilio        %d of %d%n", delays.size(),
                publishedAt.keySet().stream().filter(k -> k >= warmup).count());
        // each recipient's last reading is its whole list at the simulator: more entries than distinct messages
        // means a message was sent twice
        System.out.printf("sent more than once   %d (warm-up included)%n",
                Arrays.stream(received).sum() - sentAt.size());
        System.out.printf("sustained sends/s     %.0f (first %s publish to last Twilio request: %.1f s)%n",
                delays.size() / seconds, warmup > 0 ? "measured" : "", seconds);
        System.out.printf("publish→Twilio ms     p50 %d  p95 %d  p99 %d  p99.9 %d  max %d%n", pct(delays, 50),
                pct(delays, 95), pct(delays, 99), pctMille(delays, 999),
                delays.isEmpty() ? 0 : delays.get(delays.size() - 1));
        System.out.printf("seconds of the measured phase with a publish→Twilio over 50 ms: %d of %d; the worst:%n",
                perSecond.values().stream().filter(v -> v[1] > 0).count(), perSecond.size());
        perSecond.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1])).limit(6)
                .forEach(e -> System.out.printf("  second %3d: %4d of %4d over 50 ms, max %d ms%n", e.getKey(),
                        e.getValue()[1], e.getValue()[0], e.getValue()[2]));
        if (cpuAtStart.get() != null) {
            System.out.printf("CPU seconds from halfway through the pause before the measured phase to its last publish, "
                    + "by process:%n");
            printDiff(cpuAtStart.get(), cpuAtEnd, "  ");
            System.out.printf("  of which notification-service's threads (digits folded):%n");
            printDiff(threadsAtStart.get(), threadsAtEnd, "          ");
        }
        var histogramsAtEnd = scrape(http, metrics);
        var atStart = histogramsAtStart.get() == null ? "" : histogramsAtStart.get();
        System.out.printf("service histograms over the measured phase (ms, bucket upper bounds):%n");
        System.out.printf("  consume→Twilio request  %s%n", histogramDiff(atStart, histogramsAtEnd,
                "notification_send_latency_seconds"));
        System.out.printf("  consume→Twilio request within 50 ms: %s%n", shareWithin(atStart, histogramsAtEnd,
                "notification_send_latency_seconds", 0.05));
        System.out.printf("  group store             %s%n", histogramDiff(atStart, histogramsAtEnd,
                "notification_outbox_store_seconds"));
        System.out.printf("  Twilio request          %s%n", histogramDiff(atStart, histogramsAtEnd,
                "notification_twilio_request_seconds"));
        System.out.printf("  outbox vacuums          %s%n", timerDiff(atStart, histogramsAtEnd,
                "notification_outbox_vacuum_seconds"));
        System.out.printf("  claim, general          %s%n", histogramDiff(atStart, histogramsAtEnd,
                "notification_relay_claim_seconds{kind=\"general\"}"));
        System.out.printf("  claim, recipients' next %s%n", histogramDiff(atStart, histogramsAtEnd,
                "notification_relay_claim_seconds{kind=\"heads\"}"));
    }

    /** Sleeps until the given time (pacing a load generator, not a test wait). */
    private static void pause(long until) throws InterruptedException {
        long wait = until - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    /** Milliseconds for a fixed amount of integer work (best of three), to tell a slow machine from a slow build. */
    private static long calibrate() {
        long best = Long.MAX_VALUE;
        long sink = 0;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            long x = run;
            for (int i = 0; i < 300_000_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
                x ^= x >>> 29;
            }
            sink += x;
            best = Math.min(best, (System.nanoTime() - start) / 1_000_000);
        }
        return sink == 42 ? best + 1 : best;
    }

    /**
     * CPU seconds (user + system) used so far by every process on the machine, grouped: the two apps by their pid,
     * the rest by command name (postgres, beam.smp = RabbitMQ, ...). Linux only; empty elsewhere.
     */
    private static java.util.Map<String, Double> cpuByProcess(java.util.Map<String, String> names) {
        var result = new java.util.HashMap<String, Double>();
        var proc = java.nio.file.Path.of("/proc");
        try (var dirs = java.nio.file.Files.list(proc)) {
            dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(d -> {
                try {
                    var stat = java.nio.file.Files.readString(d.resolve("stat"));
                    var group = names.getOrDefault(d.getFileName().toString(), statName(stat));
                    result.merge(group, cpuSeconds(stat), Double::sum);
                } catch (Exception ignored) {
                    // the process ended meanwhile
                }
            });
        } catch (Exception e) {
            return result;
        }
        return result;
    }

    /**
     * CPU seconds used so far by each thread group of one process (thread names with digits folded), and the
     * seconds its threads were runnable but waiting for a core (how contended the machine is).
     */
    private static java.util.Map<String, Double> cpuByThreadGroup(String pid) {
        var result = new java.util.HashMap<String, Double>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", pid, "task"))) {
            tasks.forEach(t -> {
                try {
                    var stat = java.nio.file.Files.readString(t.resolve("stat"));
                    var name = statName(stat).replaceAll("[0-9]+", "N");
                    result.merge(name, cpuSeconds(stat), Double::sum);
                    // schedstat: time on the CPU, time waiting on a run queue (ns), timeslices
                    var waited = java.nio.file.Files.readString(t.resolve("schedstat")).trim().split(" ");
                    result.merge(name + " (waiting for a core)", Long.parseLong(waited[1]) / 1e9, Double::sum);
                } catch (Exception ignored) {
                    // the thread ended meanwhile
                }
            });
        } catch (Exception e) {
            return result;
        }
        return result;
    }

    /** The command name in a {@code /proc/.../stat} line. */
    private static String statName(String stat) {
        return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    }

    /** User + system CPU seconds in a {@code /proc/.../stat} line. */
    private static double cpuSeconds(String stat) {
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields after the name start at field 3 (state): utime is field 14, stime 15
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** What grew between two readings (at least 0.1 s), largest first. */
    private static void printDiff(java.util.Map<String, Double> start, java.util.Map<String, Double> end,
                                  String indent) {
        if (start == null) {
            return;
        }
        end.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), e.getValue() - start.getOrDefault(e.getKey(), 0.0)))
                .filter(e -> e.getValue() >= 0.1)
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> System.out.printf("%s%6.1f  %s%n", indent, e.getValue(), e.getKey()));
    }

    /** The service's metrics page, or "" if it cannot be read (the figures from it are then left out). */
    private static String scrape(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    /** p50/p95/p99 in ms of a Prometheus histogram between two scrapes (upper bound of the bucket reached). */
    private static String histogramDiff(String before, String after, String name) {
        var start = buckets(before, name);
        var end = buckets(after, name);
        if (end.isEmpty()) {
            return "n/a";
        }
        var bounds = new ArrayList<>(end.keySet());
        Collections.sort(bounds);
        double total = end.get(Double.POSITIVE_INFINITY) - start.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        var out = new StringBuilder(String.format("n %.0f", total));
        for (double q : new double[] {0.5, 0.95, 0.99, 0.999}) {
            for (var le : bounds) {
                double count = end.get(le) - start.getOrDefault(le, 0.0);
                if (count >= q * total) {
                    out.append(String.format("  p%s ≤ %s", q * 100 % 1 == 0 ? String.valueOf((int) (q * 100))
                            : String.valueOf(q * 100), le.isInfinite() ? "inf" : String.format("%.1f", le * 1000)));
                    break;
                }
            }
        }
        return out.toString();
    }

    /** How many times a timer without a histogram ran between two scrapes, and for how long in all. */
    private static String timerDiff(String before, String after, String name) {
        double[] start = timerTotals(before, name);
        double[] end = timerTotals(after, name);
        if (end == null) {
            return "n/a";
        }
        double count = end[0] - (start == null ? 0 : start[0]);
        double seconds = end[1] - (start == null ? 0 : start[1]);
        return String.format("n %.0f  total %.2f s  mean %.0f ms", count, seconds,
                count == 0 ? 0 : 1000 * seconds / count);
    }

    private static double[] timerTotals(String page, String name) {
        var count = Pattern.compile("^" + Pattern.quote(name) + "_count(\\{[^}]*\\})? ([0-9.eE+-]+)$",
                Pattern.MULTILINE).matcher(page);
        var sum = Pattern.compile("^" + Pattern.quote(name) + "_sum(\\{[^}]*\\})? ([0-9.eE+-]+)$",
                Pattern.MULTILINE).matcher(page);
        if (!count.find() || !sum.find()) {
            return null;
        }
        return new double[] {Double.parseDouble(count.group(2)), Double.parseDouble(sum.group(2))};
    }

    /** The share of a histogram's observations between two scrapes that were at most {@code le} seconds. */
    private static String shareWithin(String before, String after, String name, double le) {
        var start = buckets(before, name);
        var end = buckets(after, name);
        if (!end.containsKey(le) || !end.containsKey(Double.POSITIVE_INFINITY)) {
            return "n/a (no such bucket)";
        }
        double total = end.get(Double.POSITIVE_INFINITY) - start.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        double within = end.get(le) - start.getOrDefault(le, 0.0);
        return String.format("%.0f of %.0f (%.2f%%)", within, total, 100 * within / Math.max(1, total));
    }

    private static java.util.Map<Double, Double> buckets(String page, String name) {
        var result = new java.util.HashMap<Double, Double>();
        // name{label="value"}: only the series with that label
        var label = name.contains("{") ? name.substring(name.indexOf('{') + 1, name.length() - 1) : "";
        var metric = name.contains("{") ? name.substring(0, name.indexOf('{')) : name;
        var line = Pattern.compile("^" + Pattern.quote(metric) + "_bucket\\{(?=[^}]*" + Pattern.quote(label)
                + ").*le=\"([^\"]+)\".*\\} ([0-9.eE+-]+)$", Pattern.MULTILINE).matcher(page);
        while (line.find()) {
            var le = line.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(line.group(1));
            result.merge(le, Double.parseDouble(line.group(2)), Double::sum);
        }
        return result;
    }

    private static long pctMille(List<Long> sorted, int pm) {
        return sorted.isEmpty() ? 0
                : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(pm / 1000.0 * sorted.size()) - 1));
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private static String recipient(String runId, int index) {
        return String.format("whatsapp:+1876%s%03d", runId.substring(Math.max(0, runId.length() - 4)), index);
    }

    private static String outbound(int seq, String to) {
        var now = Instant.now().toString();
        return "{\"envelope\":{\"messageId\":\"" + UUID.randomUUID() + "\",\"correlationId\":\"bench-" + seq
                + "\",\"occurredAt\":\"" + now + "\",\"userRef\":\"u_bench" + Math.abs(to.hashCode())
                + "\",\"type\":\"reply\"},\"to\":\"" + to + "\",\"body\":\"bench " + seq
                + "\",\"mediaUrls\":[],\"quickReplies\":[],\"lastInboundAt\":\"" + now + "\"}";
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

}
