package com.flashapp.whatsapp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The whole suite end to end: signed Twilio webhooks into the gateway from simulated WhatsApp users (a first contact,
 * "help", a linked user's "balance", an AI question), each reply counted where it leaves the product — at the
 * sandbox's Twilio simulator, status callbacks on — and matched to its request by recipient and order.
 * <p>
 * Setup (not measured): Flash users in the Flash simulator, every number's 24-hour window opened at the Twilio
 * simulator, a pool of known users who said "hi", and a pool of users linked with the link flow ("link", the code the
 * Flash app sends, "linked"). Then, for each rate: an open-loop schedule (message n due at start + n / rate, sent
 * whether or not earlier ones were answered), a warm-up left out of the figures, the measured seconds, a grace period
 * for the last replies. Latency runs from the time the schedule said the webhook was due to the simulator's record of
 * the first reply (its {@code dateCreated}), so a product that falls behind shows in the percentiles
 * (no coordinated omission). CPU seconds per process from /proc/&lt;pid&gt;/stat over the measured window.
 * Linux only; loopback only.
 */
public final class EndToEndBench {

    /** The kinds of user message, what each says, and which pool of numbers sends it. */
    enum Kind {
        FIRST("first", "hi"),
        HELP("help", "help"),
        BALANCE("balance", "balance"),
        AI("ai", "how do I send money to my cousin?");

        final String key;
        final String text;

        Kind(String key, String text) {
            this.key = key;
            this.text = text;
        }

        static Kind of(String key) {
            for (var kind : values()) {
                if (kind.key.equals(key)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown kind " + key + " (first, help, balance, ai)");
        }
    }

    /** A reply the Twilio simulator recorded: its recipient's number, when (epoch ns), its text. */
    record Reply(String phone, long at, String body) {
    }

    private static final long REQUEST_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final int CLOCK_TICKS = 100; // USER_HZ on Linux

    private final Map<String, String> options;
    private final URI gateway;
    private final String sandbox;
    private final HttpClient http;
    /** ./run.sh's sender pool (RELAY_SENDERS there). */
    static final String DEFAULT_SENDERS = "whatsapp:+14155238886,whatsapp:+14155238887,whatsapp:+14155238888,"
            + "whatsapp:+14155238889,whatsapp:+14155238890";

    private final TwilioTextScenario signer;
    private final String[] ours; // our WhatsApp senders (./run.sh's pool): each user writes to one of them
    private final KeepAliveClient client;
    private final Map<String, String> pids = new LinkedHashMap<>(); // name -> pid
    private final Map<String, List<Reply>> replies = new ConcurrentHashMap<>(); // phone -> in the simulator's order
    private final Map<String, Integer> acks = new TreeMap<>();
    private final Map<Kind, Integer> expected = new HashMap<>();
    private final Map<String, Double> idlePerSecond = new LinkedHashMap<>(); // CPU seconds per second, doing nothing
    private long sid;
    private int nextPhone;
    private final int firstPhone;
    private volatile boolean polling = true;
    private volatile String pollError;

    public static void main(String[] args) throws Exception {
        var options = new LinkedHashMap<String, String>();
        for (var arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                System.err.println("bad argument " + arg + " (options are --name=value; see bench/README.md)");
                System.exit(2);
            }
            options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
        }
        System.exit(new EndToEndBench(options).run());
    }

    EndToEndBench(Map<String, String> options) throws IOException {
        this.options = options;
        this.gateway = URI.create(option("gateway", "http://127.0.0.1:8080"));
        Options.requireLoopback(gateway);
        this.sandbox = option("sandbox", "http://127.0.0.1:8089");
        Options.requireLoopback(URI.create(sandbox));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        this.signer = new TwilioTextScenario(gateway, option("public-base-url", "http://localhost:8080"),
                option("token", "0123456789abcdef0123456789abcdef"), 1);
        // --our-numbers=whatsapp:+E164,…: the pool ./run.sh configures (its replies leave from the number written
        // to, each paced on its own), so the users spread over it as a business's customers do over its numbers
        this.ours = Arrays.stream(option("our-numbers", DEFAULT_SENDERS).split(",")).map(String::strip)
                .filter(n -> !n.isEmpty()).map(n -> n.replaceAll("=.*$", "")).toArray(String[]::new);
        for (var number : ours) {
            if (!number.matches("whatsapp:\\+[1-9][0-9]{6,14}")) {
                throw new IllegalArgumentException("--our-numbers: " + number + " is not whatsapp:+E164");
            }
        }
        // --gateway-replicas=http://127.0.0.1:8090,…: more gateways beside --gateway, the connections spread over all
        var gateways = new ArrayList<InetSocketAddress>();
        gateways.add(new InetSocketAddress(gateway.getHost(), gateway.getPort()));
        for (var more : option("gateway-replicas", "").split(",")) {
            if (!more.isBlank()) {
                var uri = URI.create(more.strip());
                Options.requireLoopback(uri);
                gateways.add(new InetSocketAddress(uri.getHost(), uri.getPort()));
            }
        }
        this.client = new KeepAliveClient(gateways, Integer.parseInt(option("concurrency", "32")),
                REQUEST_TIMEOUT_NANOS, this::acked);
        for (var entry : option("pids", "").split(",")) {
            if (!entry.isBlank()) {
                var parts = entry.strip().split(":");
                pids.put(parts[0], parts[1]);
            }
        }
        for (var kind : Kind.values()) {
            expected.put(kind, 1);
        }
        for (var entry : weights(option("expect", "")).entrySet()) {
            expected.put(entry.getKey(), entry.getValue());
        }
        this.firstPhone = 1_000_000 + ThreadLocalRandom.current().nextInt(7_000_000);
    }

    private String option(String name, String fallback) {
        return options.getOrDefault(name, fallback);
    }

    private int intOption(String name, int fallback) {
        return Integer.parseInt(option(name, Integer.toString(fallback)));
    }

    /** "first:1,help:1" → {FIRST=1, HELP=1}, in the order given. */
    private static Map<Kind, Integer> weights(String text) {
        var result = new LinkedHashMap<Kind, Integer>();
        for (var part : text.split(",")) {
            if (!part.isBlank()) {
                var kv = part.strip().split(":");
                result.put(Kind.of(kv[0]), Integer.parseInt(kv[1]));
            }
        }
        return result;
    }

    private String newPhone() {
        return "+1876" + (firstPhone + nextPhone++);
    }

    int run() throws Exception {
        var rates = Arrays.stream(option("rate", "10").split(",")).mapToInt(Integer::parseInt).toArray();
        int warmup = intOption("warmup", 5);
        int duration = intOption("duration", 20);
        int grace = intOption("grace", 15);
        // one mix, or several separated by '/' (each rate is run with each mix: first:1/help:1 = one kind at a time)
        var mixes = new ArrayList<Map<Kind, Integer>>();
        for (var text : option("mix", "first:1,help:1,balance:1,ai:1").split("/")) {
            mixes.add(weights(text));
        }
        var mix = new LinkedHashMap<Kind, Integer>(); // every kind any mix has
        mixes.forEach(m -> m.forEach((k, v) -> mix.merge(k, v, Integer::sum)));
        if (duration < 1 || warmup < 0 || warmup + duration > 600 || Arrays.stream(rates).anyMatch(r -> r < 1 || r > 2000)
                || mixes.stream().anyMatch(m -> m.values().stream().mapToInt(Integer::intValue).sum() < 1)) {
            System.err.println("rate 1..2000 (comma-separated for several runs), duration >= 1, warm-up + duration <= 600,"
                    + " a mix with some weight");
            return 2;
        }
        var poller = new Thread(this::poll, "simulator-poller");
        poller.setDaemon(true);
        poller.start();
        var known = new ArrayList<String>();
        var linked = new ArrayList<String>();
        var needKnown = mix.getOrDefault(Kind.HELP, 0) + mix.getOrDefault(Kind.AI, 0) > 0;
        var needLinked = mix.getOrDefault(Kind.BALANCE, 0) > 0;
        for (int i = needKnown ? intOption("known", 200) : 0; i > 0; i--) {
            known.add(newPhone());
        }
        for (int i = needLinked ? intOption("linked", 100) : 0; i > 0; i--) {
            linked.add(newPhone());
        }
        var setupStarted = System.nanoTime();
        if (!setup(known, linked)) {
            return 1;
        }
        System.out.printf("setup: %d known users, %d linked users in %.1f s%n", known.size(), linked.size(),
                (System.nanoTime() - setupStarted) / 1e9);
        // what the suite costs doing nothing (timers, pollers, health checks, JIT): each run's CPU net of it is what
        // the messages cost
        int idleSeconds = intOption("idle", 5);
        if (idleSeconds > 0) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(intOption("settle", 5)));
            var before = cpuTicks();
            var idleStart = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            var after = cpuTicks();
            var seconds = (System.nanoTime() - idleStart) / 1e9;
            after.forEach((name, ticks) -> {
                var was = before.get(name);
                if (was != null && was >= 0 && ticks >= 0) {
                    idlePerSecond.put(name, (ticks - was) / (double) CLOCK_TICKS / seconds);
                }
            });
            var lines = new LinkedHashMap<String, String>();
            idlePerSecond.forEach((name, perSecond) -> lines.put(name, String.format("%.0f ms/s", perSecond * 1000)));
            System.out.printf("idle CPU (%d s, no messages): %s, in all %.0f ms/s%n", idleSeconds, lines,
                    idlePerSecond.values().stream().mapToDouble(Double::doubleValue).sum() * 1000);
        }
        // a first run whose figures are left out of the table: the JIT compiles the paths the messages take while the
        // first run goes (it cost that run 30-50 % more CPU per message)
        int prime = intOption("prime", 0);
        if (prime > 0) {
            System.out.printf("%npriming run (not in the table): the JIT's warm-up%n");
            measure(Math.min(20, Arrays.stream(rates).min().orElse(10)), 0, prime, grace, mix, known, linked);
            Thread.sleep(TimeUnit.SECONDS.toMillis(intOption("pause", 5)));
        }
        var rows = new ArrayList<String>();
        for (var runMix : mixes) {
            for (var rate : rates) {
                if (!rows.isEmpty()) {
                    Thread.sleep(TimeUnit.SECONDS.toMillis(intOption("pause", 5)));
                }
                rows.add(measure(rate, warmup, duration, grace, runMix, known, linked));
            }
        }
        polling = false;
        System.out.println();
        System.out.println("| mix | offered | sent (2xx) | answered | lost | duplicated | first reply p50 | p90 | p99 | max "
                + "| longest gap | zero-answer s | CPU ms/message, all listed (net of idle) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        client.close();
        return 0;
    }

    // ------------------------------------------------------------------ setup

    private boolean setup(List<String> known, List<String> linked) throws Exception {
        int rate = intOption("setup-rate", 20);
        for (var phone : linked) {
            var digits = phone.substring(1);
            post("/sandbox/flash/users", "{\"phone\":\"" + phone + "\",\"username\":\"e2e" + digits
                    + "\",\"btcSats\":100000,\"usdCents\":5000,\"displayCurrency\":\"USD\"}");
        }
        openWindows(known);
        openWindows(linked);
        var since = wallNanos();
        sendAll(known, p -> Kind.FIRST.text, rate);
        sendAll(linked, p -> "link", rate);
        if (!await(known, since, body -> true, "a welcome for the known users")
                || !await(linked, since, body -> body.toLowerCase(Locale.ROOT).contains("code"), "the link prompt")) {
            return false;
        }
        var codes = new HashMap<String, String>();
        for (var phone : linked) {
            var answer = (Map<?, ?>) Json.parse(post("/sandbox/flash/app/send-code", "{\"phone\":\"" + phone + "\"}"));
            codes.put(phone, (String) answer.get("code"));
        }
        since = wallNanos();
        sendAll(linked, codes::get, rate);
        // any answer to the code: the confirmation comes with buttons, whose text the simulator shows only for
        // Content it created itself (notification-service keeps ContentSids in PostgreSQL across a sandbox restart)
        if (!await(linked, since, body -> true, "an answer to the code")) {
            return false;
        }
        // what linking sends after the confirmation (the payment-notification consent question) arrives before the
        // measured phase, where it would count as a duplicate
        Thread.sleep(TimeUnit.SECONDS.toMillis(intOption("settle", 5)));
        return true;
    }

    private void openWindows(List<String> phones) throws Exception {
        for (int from = 0; from < phones.size(); from += 500) {
            var chunk = phones.subList(from, Math.min(phones.size(), from + 500));
            post("/sandbox/twilio/windows", "{\"phones\":[\"" + String.join("\",\"", chunk) + "\"]}");
        }
    }

    /** Sends each phone's text at {@code rate} per second and waits for the acks. */
    private void sendAll(List<String> phones, java.util.function.Function<String, String> text, int rate)
            throws IOException {
        var start = System.nanoTime();
        for (int i = 0; i < phones.size(); ) {
            var due = start + (long) (i * 1e9 / rate);
            if (System.nanoTime() >= due && client.idle() > 0) {
                send(phones.get(i), text.apply(phones.get(i)), false, 0);
                i++;
            } else {
                client.poll(TICK_NANOS);
            }
        }
        while (client.busy() > 0) {
            client.poll(TICK_NANOS);
        }
    }

    /** Waits until every phone has a reply since {@code since} whose text matches. */
    private boolean await(List<String> phones, long since, Predicate<String> matches, String what) throws Exception {
        var deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(intOption("setup-timeout", 120));
        var missing = new ArrayList<>(phones);
        while (true) {
            missing.removeIf(phone -> replies.getOrDefault(phone, List.of()).stream()
                    .anyMatch(r -> r.at() >= since && matches.test(r.body())));
            if (missing.isEmpty()) {
                return true;
            }
            if (System.nanoTime() > deadline || pollError != null) {
                System.err.printf("setup failed: %d of %d users never got %s (e.g. %s: %s)%s%n", missing.size(),
                        phones.size(), what, missing.get(0), replies.getOrDefault(missing.get(0), List.of()),
                        pollError == null ? "" : "; polling the simulator: " + pollError);
                return false;
            }
            Thread.sleep(200);
        }
    }

    // ------------------------------------------------------------------ the measured run

    private String measure(int rate, int warmup, int duration, int grace, Map<Kind, Integer> mix, List<String> known,
                           List<String> linked) throws Exception {
        // the mix as a repeating sequence of kinds, interleaved (first:2,help:1 → first, help, first)
        var cycle = new ArrayList<Kind>();
        var left = new LinkedHashMap<>(mix);
        while (left.values().stream().anyMatch(v -> v > 0)) {
            for (var entry : left.entrySet()) {
                if (entry.getValue() > 0) {
                    cycle.add(entry.getKey());
                    entry.setValue(entry.getValue() - 1);
                }
            }
        }
        int warm = rate * warmup;
        int total = warm + rate * duration;
        var phone = new String[total];
        var kind = new Kind[total];
        var due = new long[total]; // wall clock, epoch ns
        int knownNext = 0;
        int linkedNext = 0;
        var fresh = new ArrayList<String>();
        for (int i = 0; i < total; i++) {
            kind[i] = cycle.get(i % cycle.size());
            phone[i] = switch (kind[i]) {
                case FIRST -> {
                    var p = newPhone();
                    fresh.add(p);
                    yield p;
                }
                case HELP, AI -> known.get(knownNext++ % known.size());
                case BALANCE -> linked.get(linkedNext++ % linked.size());
            };
        }
        openWindows(fresh);
        System.out.printf("%nrun at %d/s: warm-up %d s (%d messages, not counted), measured %d s (%d messages), mix %s, "
                + "grace %d s%n", rate, warmup, warm, duration, total - warm, mix, grace);
        acks.clear();
        var startNano = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        var startWall = wallNanos() + TimeUnit.MILLISECONDS.toNanos(100);
        for (int i = 0; i < total; i++) {
            due[i] = startWall + (long) (i * 1e9 / rate);
        }
        Map<String, Long> cpuBefore = null;
        long machineBefore = 0;
        long measuredStartWall = due[Math.min(warm, total - 1)];
        int sent = 0;
        long behind = 0;
        boolean waitingCounted = false;
        while (sent < total) {
            var now = System.nanoTime();
            var dueNow = startNano + (long) (sent * 1e9 / rate);
            if (cpuBefore == null && sent >= warm && now >= dueNow) {
                cpuBefore = cpuTicks();
                machineBefore = machineBusyTicks();
            }
            if (now >= dueNow) {
                if (client.idle() > 0) {
                    send(phone[sent], kind[sent].text, sent >= warm, dueNow);
                    sent++;
                    waitingCounted = false;
                    continue;
                }
                if (!waitingCounted && sent >= warm) {
                    behind++;
                    waitingCounted = true;
                }
                client.poll(TICK_NANOS);
            } else {
                client.poll(Math.min(TICK_NANOS, dueNow - now));
            }
        }
        var lastDue = startNano + (long) ((total - 1) * 1e9 / rate);
        var graceEnd = lastDue + TimeUnit.SECONDS.toNanos(grace);
        Attribution result;
        while (true) {
            client.poll(TimeUnit.MILLISECONDS.toNanos(250));
            result = attribute(phone, kind, due, startWall);
            if ((result.complete(warm) && client.busy() == 0) || System.nanoTime() > graceEnd) {
                break;
            }
        }
        if (System.nanoTime() < graceEnd) {
            // the last replies' status callbacks (three each, ~150 ms apart) are part of a message's cost
            Thread.sleep(1000);
            client.poll(0);
        }
        var cpuAfter = cpuTicks();
        var machineAfter = machineBusyTicks();
        var windowSeconds = (wallNanos() - measuredStartWall) / 1e9;
        Thread.sleep(500); // the poller's last round
        result = attribute(phone, kind, due, startWall);
        return report(rate, warm, total, kind, due, result, behind, measuredStartWall, duration, cpuBefore, cpuAfter,
                machineAfter - machineBefore, windowSeconds);
    }

    /** Each request's replies: how many, and the first's time (epoch ns; 0 = none). */
    record Attribution(int[] count, long[] first, int unattributed, Map<Kind, String> sample, Map<Kind, Integer> expected) {
        boolean complete(int from) {
            for (int i = from; i < count.length; i++) {
                if (count[i] < 1) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Matches replies to requests by recipient and order: a reply goes to the earliest request of its recipient that
     * was due before it and still lacks replies (a product that answers one user in order answers them in order),
     * else, when every earlier request has its replies, to the latest one (a duplicate).
     */
    private Attribution attribute(String[] phone, Kind[] kind, long[] due, long since) {
        var byPhone = new HashMap<String, List<Integer>>();
        for (int i = 0; i < phone.length; i++) {
            byPhone.computeIfAbsent(phone[i], k -> new ArrayList<>()).add(i);
        }
        var count = new int[phone.length];
        var first = new long[phone.length];
        var sample = new LinkedHashMap<Kind, String>();
        int unattributed = 0;
        for (var entry : byPhone.entrySet()) {
            var list = replies.getOrDefault(entry.getKey(), List.of());
            List<Reply> copy;
            synchronized (list) {
                copy = new ArrayList<>(list);
            }
            var requests = entry.getValue();
            for (var reply : copy) {
                if (reply.at() < since) {
                    continue; // setup's or an earlier run's
                }
                int target = -1;
                int latest = -1;
                for (var i : requests) {
                    if (due[i] > reply.at()) {
                        break;
                    }
                    latest = i;
                    if (target < 0 && count[i] < expected.get(kind[i])) {
                        target = i;
                    }
                }
                if (target < 0) {
                    target = latest;
                }
                if (target < 0) {
                    unattributed++;
                    continue;
                }
                count[target]++;
                if (first[target] == 0) {
                    first[target] = reply.at();
                }
                if (!reply.body().isBlank()) {
                    sample.putIfAbsent(kind[target], reply.body());
                }
            }
        }
        return new Attribution(count, first, unattributed, sample, expected);
    }

    private String report(int rate, int warm, int total, Kind[] kind, long[] due, Attribution result, long behind,
                          long measuredStart, int duration, Map<String, Long> cpuBefore, Map<String, Long> cpuAfter,
                          long machineTicks, double windowSeconds) {
        int measured = total - warm;
        var offeredByKind = new TreeMap<String, Integer>();
        var lostByKind = new TreeMap<String, Integer>();
        var latencies = new ArrayList<Long>();
        var byKind = new TreeMap<String, List<Long>>();
        var perSecond = new TreeMap<Long, Integer>();
        int answered = 0;
        int lost = 0;
        int duplicated = 0;
        int extra = 0;
        int replies = 0;
        long lastAnswer = measuredStart;
        var answers = new ArrayList<Long>();
        for (int i = warm; i < total; i++) {
            offeredByKind.merge(kind[i].key, 1, Integer::sum);
            replies += result.count()[i];
            if (result.count()[i] == 0) {
                lost++;
                lostByKind.merge(kind[i].key, 1, Integer::sum);
                continue;
            }
            answered++;
            var want = expected.get(kind[i]);
            if (result.count()[i] > want) {
                duplicated++;
                extra += result.count()[i] - want;
            }
            var latency = result.first()[i] - due[i];
            latencies.add(latency);
            byKind.computeIfAbsent(kind[i].key, k -> new ArrayList<>()).add(latency);
            perSecond.merge(Math.max(0, (result.first()[i] - measuredStart) / 1_000_000_000L), 1, Integer::sum);
            answers.add(result.first()[i]);
            lastAnswer = Math.max(lastAnswer, result.first()[i]);
        }
        int short_ = 0;
        for (int i = warm; i < total; i++) {
            if (result.count()[i] > 0 && result.count()[i] < expected.get(kind[i])) {
                short_++;
            }
        }
        // seconds of the measured window (and after it, until the last answer) in which nothing was answered, and the
        // longest time between two answers (from the window's start)
        long seconds = Math.max(duration, (lastAnswer - measuredStart) / 1_000_000_000L + 1);
        var series = new ArrayList<Integer>();
        int zero = 0;
        for (long s = 0; s < seconds; s++) {
            var n = perSecond.getOrDefault(s, 0);
            series.add(n);
            zero += n == 0 ? 1 : 0;
        }
        answers.sort(null);
        long gap = 0;
        long previous = measuredStart;
        for (var at : answers) {
            gap = Math.max(gap, at - previous);
            previous = at;
        }
        latencies.sort(null);
        var out = new LinkedHashMap<String, Object>();
        out.put("offered", measured + " " + offeredByKind);
        out.put("acks", acks + (behind > 0 ? ", sends delayed (every connection busy): " + behind : ""));
        out.put("replies", replies + " to measured messages (unattributed: " + result.unattributed() + ")");
        out.put("answered", answered);
        out.put("lost", lost + (lost > 0 ? " " + lostByKind : "") + " (no reply within the grace period)");
        out.put("duplicated", duplicated + " messages, " + extra + " extra replies (more than " + expected + ")");
        if (short_ > 0) {
            out.put("short", short_ + " messages with fewer replies than expected");
        }
        out.put("firstReplyMs", "p50 " + ms(latencies, 0.50) + ", p90 " + ms(latencies, 0.90) + ", p99 "
                + ms(latencies, 0.99) + ", max " + ms(latencies, 1.0) + " (from the scheduled time)");
        byKind.forEach((k, list) -> {
            list.sort(null);
            out.put("  " + k, "p50 " + ms(list, 0.50) + ", p99 " + ms(list, 0.99) + ", max " + ms(list, 1.0));
        });
        out.put("answeredPerSecond", series);
        out.put("stalls", zero + " seconds with no answer; longest gap between answers " + String.format("%.0f", gap / 1e6)
                + " ms");
        var cpuLines = new LinkedHashMap<String, String>();
        double cpuTotal = 0;
        double netTotal = 0;
        for (var entry : cpuAfter.entrySet()) {
            var before = cpuBefore == null ? null : cpuBefore.get(entry.getKey());
            if (before == null || before < 0 || entry.getValue() < 0) {
                continue;
            }
            var s = (entry.getValue() - before) / (double) CLOCK_TICKS;
            var net = s - idlePerSecond.getOrDefault(entry.getKey(), 0.0) * windowSeconds;
            cpuTotal += s;
            netTotal += net;
            cpuLines.put(entry.getKey(), String.format("%.1f s, %.2f ms/msg%s", s, s * 1000 / measured,
                    idlePerSecond.isEmpty() ? "" : String.format(" (net of idle %.2f)", net * 1000 / measured)));
        }
        var machine = machineTicks / (double) CLOCK_TICKS;
        out.put("cpuWindow", String.format("%.1f s (from the first measured message until everything was answered + 1 s)",
                windowSeconds));
        cpuLines.forEach((k, v) -> out.put("  cpu " + k, v));
        out.put("  cpu all listed", String.format("%.1f s, %.2f ms/msg%s", cpuTotal, cpuTotal * 1000 / measured,
                idlePerSecond.isEmpty() ? "" : String.format(" (net of idle %.2f)", netTotal * 1000 / measured)));
        out.put("  cpu machine", String.format("%.1f s busy of %.1f s (2 x window); others (not listed): %.1f s",
                machine, windowSeconds * Runtime.getRuntime().availableProcessors(), machine - cpuTotal));
        out.put("rss", rss());
        result.sample().forEach((k, v) -> out.put("  reply to " + k.key,
                v == null ? "(no text)" : v.replace('\n', ' ').substring(0, Math.min(70, v.length())) + "…"));
        out.forEach((k, v) -> System.out.printf("%-22s %s%n", k, v));
        var sentOk = acks.entrySet().stream().filter(e -> e.getKey().startsWith("2")).mapToInt(Map.Entry::getValue).sum();
        var mixText = String.join(",", offeredByKind.keySet());
        return String.format("| %s | %d/s | %d (%d) | %d | %d | %d | %s | %s | %s | %s | %.0f ms | %d | %.1f (%.1f) |",
                mixText, rate, measured, sentOk, answered, lost, duplicated, ms(latencies, 0.50), ms(latencies, 0.90),
                ms(latencies, 0.99), ms(latencies, 1.0), gap / 1e6, zero, cpuTotal * 1000 / measured,
                netTotal * 1000 / measured);
    }

    private static String ms(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return "-";
        }
        var index = (int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1);
        var ms = sorted.get(Math.max(0, index)) / 1e6;
        return ms >= 1000 ? String.format("%.2f s", ms / 1000) : String.format("%.0f ms", ms);
    }

    // ------------------------------------------------------------------ sending, polling

    private void send(String phone, String text, boolean measured, long dueNanos) {
        var to = ours[Math.floorMod(phone.hashCode(), ours.length)];
        var request = signer.request(sid++, phone, to, text, URLEncoder.encode(text, StandardCharsets.UTF_8));
        client.send(request, measured, dueNanos);
    }

    private void acked(int status, String error, long nanos, boolean measured) {
        if (!measured) {
            if (error != null || status / 100 != 2) {
                System.err.println("setup webhook answered " + (error != null ? error : status));
            }
            return;
        }
        acks.merge(error != null ? "error:" + error : Integer.toString(status), 1, Integer::sum);
    }

    /** Reads what the Twilio simulator sent since the last reading, every 200 ms, into {@link #replies}. */
    private void poll() {
        int offset = 0;
        while (polling) {
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create(sandbox + "/sandbox/twilio/messages?offset="
                        + offset)).timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode());
                }
                var list = (List<?>) Json.parse(response.body());
                for (var item : list) {
                    var message = (Map<?, ?>) item;
                    var to = String.valueOf(message.get("to")).replace("whatsapp:", "");
                    var at = Instant.parse((String) message.get("dateCreated"));
                    var body = message.get("body") instanceof String text ? text : "";
                    if (body.isBlank() && message.get("content") instanceof Map<?, ?> content
                            && content.get("body") instanceof String text) {
                        body = text; // a Content template the simulator created (buttons, a list): its text
                    }
                    var mine = replies.computeIfAbsent(to, k -> java.util.Collections.synchronizedList(new ArrayList<>()));
                    mine.add(new Reply(to, at.getEpochSecond() * 1_000_000_000L + at.getNano(), body));
                }
                offset += list.size();
                pollError = null;
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                pollError = e.toString();
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private String post(String path, String json) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(sandbox + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static long wallNanos() {
        var now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ------------------------------------------------------------------ /proc

    /** The servers' processes by the name their program has, summed as one line each. */
    private static final Map<String, String> SERVERS = Map.of("beam.smp", "rabbitmq", "postgres", "postgresql",
            "redis-server", "redis");

    /**
     * utime + stime in clock ticks: each named pid, the load generator, and each server summed over its processes
     * (by their program's name; a process that ended during the run takes its CPU with it).
     */
    private Map<String, Long> cpuTicks() {
        var result = new LinkedHashMap<String, Long>();
        pids.forEach((name, pid) -> result.put(name, ticks(pid)));
        for (var server : List.of("rabbitmq", "postgresql", "redis")) {
            result.put(server, 0L);
        }
        try (var procs = Files.list(Path.of("/proc"))) {
            for (var dir : procs.toList()) {
                var name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    var stat = Files.readString(dir.resolve("stat"));
                    var comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    var server = SERVERS.get(comm);
                    if (server != null) {
                        result.merge(server, statTicks(stat), Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: no figures
        }
        result.put("load generator", ticks(Long.toString(ProcessHandle.current().pid())));
        return result;
    }

    private static long ticks(String pid) {
        try {
            return statTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long statTicks(String stat) {
        var fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The whole machine's busy ticks (all cores), from /proc/stat: everything but idle and iowait. */
    private static long machineBusyTicks() {
        try {
            var fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(fields[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** VmRSS of each named pid (MB). */
    private Map<String, String> rss() {
        var result = new LinkedHashMap<String, String>();
        pids.forEach((name, pid) -> {
            try {
                var kb = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                        .filter(l -> l.startsWith("VmRSS:")).map(l -> l.substring(6).strip().split(" ")[0])
                        .findFirst().orElse("0");
                result.put(name, Long.parseLong(kb) / 1024 + " MB");
            } catch (IOException | RuntimeException e) {
                result.put(name, "not running");
            }
        });
        return result;
    }
}
