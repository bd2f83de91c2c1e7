package com.flashapp.whatsapp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The project's benchmark harness: sends signed webhooks from many simulated senders at a fixed or maximum rate
 * for a bounded time and request count, to loopback only, and reports the sustained rate, ack latency percentiles
 * (p50/p95/p99/max), answers by status, the RSS of the given processes before and after, and the CPU each of them
 * (and the generator itself) used. The generator is one thread on persistent HTTP/1.1 connections
 * ({@link KeepAliveClient}), so it takes as little as possible of the cores it shares with the server.
 */
public final class Bench {

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (!options.scenario().equals("twilio-text")) {
            System.err.println("unknown scenario " + options.scenario() + "\n" + Options.usage());
            System.exit(2);
        }
        new Bench(options).run();
    }

    private static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final Options options;
    private final TwilioTextScenario scenario;
    private final long[] latencies;
    private int recorded;
    private final Map<String, LongAdder> statuses = new HashMap<>();
    private long measuredOk;
    private boolean measuring;

    Bench(Options options) {
        this.options = options;
        this.scenario = new TwilioTextScenario(options);
        this.latencies = new long[options.maxRequests()];
    }

    void run() throws Exception {
        var rssBefore = rss();
        System.out.printf("bench %s -> %s: %d senders, %s, concurrency %d, warm-up %ds, measured %ds, cap %d requests%n",
                options.scenario(), options.target(), options.senders(),
                options.rate() == 0 ? "max rate" : options.rate() + " req/s", options.concurrency(),
                options.warmupSeconds(), options.durationSeconds(), options.maxRequests());
        var target = options.target();
        var address = new InetSocketAddress(target.getHost(), target.getPort() < 0 ? 80 : target.getPort());
        var start = System.nanoTime();
        var warmupEnd = start + TimeUnit.SECONDS.toNanos(options.warmupSeconds());
        var end = warmupEnd + TimeUnit.SECONDS.toNanos(options.durationSeconds());
        long measuredStart = 0;
        Map<Long, Long> cpuAtMeasureStart = Map.of();
        long sentAtMeasureStart = 0;
        long sent = 0;
        long behind = 0;
        // the fixed-rate schedule: request n is due at scheduleStart + (n - scheduleBase) / rate; it starts afresh
        // with the measured window, so a backlog left by the warm-up (JIT, first connections) is not counted
        var scheduleStart = start;
        long scheduleBase = 0;
        // one thread drives everything: requests are built just before they are sent (one HMAC each) and written
        // to persistent connections; the same loop reads the answers
        try (var client = new KeepAliveClient(address, options.concurrency(), REQUEST_TIMEOUT_NANOS, this::completed)) {
            var waitingCounted = false;
            while (true) {
                var now = System.nanoTime();
                if (!measuring && now >= warmupEnd) {
                    measuring = true;
                    measuredStart = now;
                    cpuAtMeasureStart = cpuTicks();
                    sentAtMeasureStart = sent;
                    scheduleStart = now;
                    scheduleBase = sent;
                }
                if (now >= end || sent >= options.maxRequests()) {
                    break;
                }
                long wait = MAX_WAIT_NANOS;
                if (options.rate() > 0) {
                    // fixed rate: the schedule says how many should have gone by now
                    var due = scheduleBase + (long) ((now - scheduleStart) / 1e9 * options.rate());
                    while (sent < due && sent < options.maxRequests() && client.idle() > 0) {
                        client.send(scenario.request(sent), measuring,
                                scheduleStart + (long) ((sent - scheduleBase) * 1e9 / options.rate()));
                        sent++;
                        waitingCounted = false;
                    }
                    if (sent < due && !waitingCounted && measuring) {
                        behind++; // every connection busy: the server is not keeping up with the offered rate
                        waitingCounted = true;
                    }
                    if (sent >= due) {
                        var nextDue = scheduleStart + (long) ((sent + 1 - scheduleBase) * 1e9 / options.rate());
                        wait = Math.min(wait, Math.max(0, nextDue - System.nanoTime()));
                    }
                } else {
                    while (sent < options.maxRequests() && client.idle() > 0) {
                        client.send(scenario.request(sent), measuring);
                        sent++;
                    }
                }
                client.poll(Math.min(wait, end - System.nanoTime()));
            }
            // let in-flight requests finish (each is bounded by the request timeout)
            while (client.busy() > 0) {
                client.poll(MAX_WAIT_NANOS);
            }
        }
        var measuredSeconds = (Math.min(System.nanoTime(), end) - measuredStart) / 1e9;
        var rssAfter = rss();
        var cpuAfter = cpuTicks();
        var cpu = new LinkedHashMap<Long, String>();
        var total = sent - sentAtMeasureStart;
        var measureStartTicks = cpuAtMeasureStart;
        cpuAfter.forEach((pid, ticks) -> {
            var before = measureStartTicks.get(pid);
            if (before != null && ticks >= 0 && before >= 0) {
                var seconds = (ticks - before) / 100.0; // USER_HZ is 100 on Linux
                cpu.put(pid, String.format("%.1f s (%.3f ms per request)", seconds, seconds * 1000 / Math.max(1, total)));
            }
        });
        report(sent, behind, measuredSeconds, rssBefore, rssAfter);
        System.out.printf("%-28s %s (last pid = this load generator)%n", "cpuInMeasuredWindow", cpu);
        System.exit(0);
    }

    /** One finished request: an HTTP status, or a transport error. Called on the loop's thread. */
    private void completed(int status, String error, long nanos, boolean measured) {
        if (!measured) {
            return;
        }
        var key = error != null ? "error:" + error : Integer.toString(status);
        statuses.computeIfAbsent(key, k -> new LongAdder()).increment();
        if (recorded < latencies.length) {
            latencies[recorded] = nanos;
        }
        recorded++;
        if (error == null && status / 100 == 2) {
            measuredOk++;
        }
    }

    private void report(long sent, long behind, double seconds, Map<Long, String> before, Map<Long, String> after) {
        var count = Math.min(recorded, latencies.length);
        var sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        var ok = measuredOk;
        var out = new LinkedHashMap<String, Object>();
        out.put("scenario", options.scenario());
        out.put("offeredRate", options.rate() == 0 ? "max" : options.rate());
        out.put("senders", options.senders());
        out.put("concurrency", options.concurrency());
        out.put("measuredSeconds", String.format("%.1f", seconds));
        out.put("requestsSentTotal", sent);
        out.put("measuredResponses", count);
        out.put("sustained2xxPerSecond", String.format("%.0f", ok / seconds));
        out.put("p50ms", ms(sorted, 0.50));
        out.put("p95ms", ms(sorted, 0.95));
        out.put("p99ms", ms(sorted, 0.99));
        out.put("maxMs", count == 0 ? "-" : String.format("%.2f", sorted[count - 1] / 1e6));
        out.put("byStatus", new TreeMap<>(statuses.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum()))));
        if (options.rate() > 0) {
            out.put("sendsDelayedByBackpressure", behind);
        }
        out.put("rssBefore", before);
        out.put("rssAfter", after);
        out.forEach((k, v) -> System.out.printf("%-28s %s%n", k, v));
    }

    private static String ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return "-";
        }
        var index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return String.format("%.2f", sorted[Math.max(0, index)] / 1e6);
    }

    /** utime + stime of each given process in clock ticks, from /proc (Linux); -1 when unreadable. */
    private Map<Long, Long> cpuTicks() {
        var result = new LinkedHashMap<Long, Long>();
        var pids = new java.util.ArrayList<>(options.pids());
        pids.add(ProcessHandle.current().pid()); // the load generator itself shares the cores
        for (var pid : pids) {
            try {
                var stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                result.put(pid, Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
            } catch (IOException | RuntimeException e) {
                result.put(pid, -1L);
            }
        }
        return result;
    }

    /** VmRSS of each given process, from /proc (Linux). */
    private Map<Long, String> rss() {
        var result = new LinkedHashMap<Long, String>();
        for (var pid : options.pids()) {
            try {
                result.put(pid, Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).strip()).findFirst().orElse("?"));
            } catch (IOException e) {
                result.put(pid, "not running");
            }
        }
        return result;
    }
}
