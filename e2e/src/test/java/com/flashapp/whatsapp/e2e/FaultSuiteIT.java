package com.flashapp.whatsapp.e2e;

import com.flashapp.whatsapp.e2e.Apps.App;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fault suite: the six packaged apps (production profile, own ports 18280–18289, vhost {@code flash-faults},
 * Redis database 6, databases {@code *_faults}) under one continuous load of signed webhooks ({@link WebhookLoad})
 * while, one after another, each service is killed with -9 and restarted, RabbitMQ, Redis and PostgreSQL are
 * stopped and started, the Twilio, Flash and Maple stand-ins fail for a minute, and command-service goes through a
 * rolling restart beside a second replica (its per-user shards handed between them). For each fault it checks that
 * every accepted webhook was answered (lost = 0), no answer was sent twice (duplicated = 0), the virtual host's
 * queues drained and every service became ready again without a manual restart, each within a bound.
 *
 * <p>Every fault runs even when an earlier one failed (a service that does not recover is restarted by the suite
 * — noted as a failure — so the next fault starts from a working product); then the table is printed and written
 * to {@code e2e/target/fault-report.md}, and the test fails if any fault did. Whatever happens, the servers it
 * stopped are started again ({@code finally} and a shutdown hook). See e2e/README.md.
 */
class FaultSuiteIT {

    /** Every knob, as a system property {@code faults.<name>} (seconds for durations), for local experiments. */
    record Settings(double rate, int linkedPerFault, Duration baseline, Duration leadIn, Duration outage,
                    Duration appDown, Duration serverDown, int burst, Duration drainBound, Duration readyBound,
                    Duration settleBound, Duration quiet, long backlog, Set<String> only) {

        static Settings fromSystemProperties() {
            var only = System.getProperty("faults.only", "").isBlank() ? Set.<String>of()
                    : Set.copyOf(Arrays.stream(System.getProperty("faults.only").split(",")).map(String::trim)
                    .toList());
            return new Settings(Double.parseDouble(System.getProperty("faults.rate", "8")),
                    Integer.getInteger("faults.linked-per-fault", 8),
                    seconds("baseline", 15), seconds("lead-in", 5), seconds("outage", 60),
                    seconds("app-down", 5), seconds("server-down", 5), Integer.getInteger("faults.burst", 40), seconds("drain-bound", 60), seconds("ready-bound", 60),
                    seconds("settle-bound", 75), seconds("quiet", 20),
                    Long.getLong("faults.backlog", 25), only);
        }

        private static Duration seconds(String name, int defaultSeconds) {
            return Duration.ofSeconds(Long.getLong("faults." + name, defaultSeconds));
        }
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** One fault: what breaks, for how long, and what mends it. */
    record Fault(String id, String title, Step inject, Duration hold, Step lift) {
    }

    /** What was seen during one fault, besides the ledger's counts. */
    static final class Observed {
        final Fault fault;
        final Ledger.Phase phase;
        Duration drain;
        Duration ready;
        int peakInFlight;
        long peakBacklog;
        List<Probe.Queue> queuesBefore;
        List<Probe.Queue> queuesAfter;
        String endState = "";
        String manualRestart;
        Duration took;
        final List<String> harness = new ArrayList<>();

        Observed(Fault fault, Ledger.Phase phase) {
            this.fault = fault;
            this.phase = phase;
        }
    }

    /** The mix of the load: every service is on the path of some of it. */
    private static final Map<Ledger.Kind, Double> WEIGHTS = new EnumMap<>(Map.of(Ledger.Kind.HELP, 0.2,
            Ledger.Kind.QUESTION, 0.25, Ledger.Kind.PRICE, 0.2, Ledger.Kind.BALANCE, 0.35));

    /** Both must hold this long before a fault counts as over: a single good sample is not a recovery. */
    private static final Duration STEADY = Duration.ofSeconds(3);
    /** How long a consumer holding unacknowledged messages must ack nothing to count as stuck. */
    private static final Duration STUCK_WINDOW = Duration.ofSeconds(6);
    /** A message younger than this may still be on its normal way: only older ones hold a fault open. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final Settings settings = Settings.fromSystemProperties();
    private final Path root = Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize();
    private final Path logs = Path.of(System.getProperty("faults.logs", "target/fault-logs"));
    private final Path report = Path.of(System.getProperty("faults.report", "target/fault-report.md"));
    private final Ledger ledger = new Ledger();
    private Apps apps;
    private Sandbox sandbox;
    private Probe probe;
    private Servers servers;
    private WebhookLoad load;
    /** One line a second: readiness and queue depths, to read a failure against the apps' logs. */
    private java.io.PrintWriter timeline;
    private final Map<Ledger.Kind, String> calibration = new EnumMap<>(Ledger.Kind.class);

    @Test
    void everyAcceptedWebhookIsAnsweredExactlyOnceWhateverFails() throws Exception {
        servers = new Servers();
        apps = new Apps(root, logs, Apps.Isolation.FAULTS);
        sandbox = new Sandbox(apps.port(App.SANDBOX));
        probe = new Probe(apps);
        var restore = new Thread(this::restore, "faults-restore");
        Runtime.getRuntime().addShutdownHook(restore);
        var observed = new ArrayList<Observed>();
        var started = Instant.now();
        try {
            apps.start();
            timeline = new java.io.PrintWriter(Files.newBufferedWriter(logs.resolve("timeline.log")));
            run(observed);
        } finally {
            if (timeline != null) {
                timeline.close();
            }
            restore();
            try {
                Runtime.getRuntime().removeShutdownHook(restore);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or ran already: what it restores is restored
            }
        }
        var failures = writeReport(observed, Duration.between(started, Instant.now()));
        if (!failures.isEmpty()) {
            fail(failures.size() + " problem(s); the table and the details are in " + report.toAbsolutePath()
                    + ", each app's log in " + logs.toAbsolutePath() + ":\n  " + String.join("\n  ", failures));
        }
    }

    /** Starts what was stopped, lifts the stand-ins' faults, stops the apps; never throws. */
    private void restore() {
        servers.restoreAll();
        for (var stand : List.of("twilio", "flash", "maple")) {
            try {
                sandbox.delete("/sandbox/" + stand + "/faults");
            } catch (Exception | AssertionError sandboxGone) {
                // the sandbox's faults expire on their own, and it is stopped next
            }
        }
        try {
            apps.close();
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(List<Observed> observed) throws Exception {
        var all = faults();
        var unknown = new LinkedHashSet<>(settings.only());
        all.forEach(f -> unknown.remove(f.id()));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("faults.only names no fault " + unknown + "; the faults are "
                    + all.stream().map(Fault::id).toList());
        }
        var faults = all.stream().filter(f -> settings.only().isEmpty() || settings.only().contains(f.id())
                || f.id().equals("baseline")).toList();
        var linked = link(1 + faults.size() * settings.linkedPerFault());
        System.out.println("[faults] " + Instant.now() + " linked " + linked.size() + " users");
        ledger.addLinked(linked.get(0), "calibration");
        for (int i = 1; i < linked.size(); i++) {
            ledger.addLinked(linked.get(i), faults.get((i - 1) / settings.linkedPerFault()).id());
        }
        try (var poller = new ReplyPoller(sandbox, ledger);
             var load = new WebhookLoad(ledger, apps.port(App.GATEWAY), apps.port(App.SANDBOX), settings.rate(),
                     WEIGHTS)) {
            this.load = load;
            poller.start();
            calibrate(load);
            load.start();
            boolean healthy = true;
            for (var fault : faults) {
                if (!healthy) {
                    var skipped = new Observed(fault, ledger.begin(fault.id(), fault.title()));
                    skipped.harness.add("not run: the product did not recover from an earlier fault");
                    observed.add(skipped);
                    continue;
                }
                Observed seen;
                try {
                    seen = runFault(fault);
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    // recorded, and the next faults still run: one broken step must not hide the others' results
                    seen = new Observed(fault, ledger.phases().get(ledger.phases().size() - 1));
                    seen.harness.add("the suite failed during this fault: " + e);
                }
                observed.add(seen);
                healthy = seen.harness.stream().noneMatch(h -> h.startsWith("still broken"));
            }
            load.stop();
            ledger.close();
            awaitLastAnswers();
            poller.drain();
            ledger.undelivered(poller.undelivered());
        } finally {
            ledger.writeCsv(logs.resolve("messages.csv"));
            ledger.writeRepliesCsv(logs.resolve("replies.csv"));
        }
    }

    private List<Fault> faults() {
        var list = new ArrayList<Fault>();
        list.add(new Fault("baseline", "baseline (no fault)", () -> { }, settings.baseline(), () -> { }));
        for (var app : App.services()) {
            list.add(new Fault("kill-" + app.module.replace("-service", ""), "kill -9 " + app.module
                    + ", restarted after " + settings.appDown().toSeconds() + " s",
                    () -> apps.kill(app), settings.appDown(), () -> apps.launch(app, false)));
        }
        list.add(new Fault("rabbitmq", "RabbitMQ stop_app " + settings.serverDown().toSeconds() + " s, start_app",
                servers::stopRabbitMq, settings.serverDown(), servers::startRabbitMq));
        list.add(new Fault("redis", "Redis restart (down " + settings.serverDown().toSeconds() + " s, no persistence)",
                servers::stopRedis, settings.serverDown(), servers::startRedis));
        list.add(new Fault("postgresql", "PostgreSQL restart (down " + settings.serverDown().toSeconds() + " s)",
                servers::stopPostgres, settings.serverDown(), servers::startPostgres));
        list.add(standIn("twilio-500", "Twilio answers 500", "twilio", "http500"));
        list.add(standIn("twilio-429", "Twilio answers 429", "twilio", "http429"));
        list.add(standIn("flash-down", "Flash API down (connections dropped)", "flash", "drop"));
        list.add(standIn("maple-down", "Maple AI down (503)", "maple", "drop"));
        list.add(new Fault("rolling-command", "rolling restart of command-service: a second replica joins, the first "
                + "is stopped and started again " + settings.appDown().toSeconds() + " s later, the shards spread over "
                + "both, the second leaves", this::secondCommandReplicaJoins, settings.appDown(),
                this::firstCommandReplicaReturns));
        return list;
    }

    /**
     * A Deployment's rolling restart, as KEDA-scaled replicas see it (each says replica 0 of 1): the new pod starts,
     * and once it is ready the old one gets SIGTERM; its shards go to the new one.
     */
    private void secondCommandReplicaJoins() throws Exception {
        apps.launch(App.COMMAND_2, true);
        apps.awaitReady(App.COMMAND_2, Apps.READY_TIMEOUT);
        apps.stop(App.COMMAND);
    }

    /**
     * The first replica starts again and waits on every shard behind the second, which holds them all; under the
     * load the second hands shards over until each is active on two (messaging.replica.rebalance-interval, 15 s).
     * Then the second leaves (SIGTERM) and its shards return to the first. The settle that follows checks that
     * nothing was lost or answered twice across all of it.
     */
    private void firstCommandReplicaReturns() throws Exception {
        apps.launch(App.COMMAND, false);
        apps.awaitReady(App.COMMAND, Apps.READY_TIMEOUT);
        var deadline = Instant.now().plus(Duration.ofSeconds(90));
        Map<String, String> active = Map.of();
        while (Instant.now().isBefore(deadline)) {
            active = probe.activeShardConsumers("command.whatsapp-inbound");
            var perConnection = active.values().stream()
                    .collect(Collectors.groupingBy(c -> c, Collectors.counting()));
            if (active.size() == 4 && perConnection.size() == 2 && perConnection.values().stream().allMatch(n -> n == 2)) {
                System.out.println("[faults] " + Instant.now() + " command-service's shards spread: " + active);
                apps.stop(App.COMMAND_2);
                return;
            }
            Thread.sleep(1000);
        }
        apps.stop(App.COMMAND_2);
        throw new IllegalStateException("command-service's shards did not spread over its two replicas within 90 s "
                + "of the first being ready; active consumers: " + active);
    }

    private Fault standIn(String id, String title, String stand, String mode) {
        var seconds = settings.outage().toSeconds();
        // the sandbox ends the fault on its own a little later, should the suite die before lifting it
        var body = "{\"mode\":\"" + mode + "\",\"rate\":1,\"durationSeconds\":" + (seconds + 30) + "}";
        return new Fault(id, title + " for " + seconds + " s",
                () -> sandbox.post("/sandbox/" + stand + "/faults", body), settings.outage(),
                () -> sandbox.delete("/sandbox/" + stand + "/faults"));
    }

    // ------------------------------------------------------------------ one fault

    private Observed runFault(Fault fault) throws Exception {
        var seen = new Observed(fault, ledger.begin(fault.id(), fault.title()));
        var began = Instant.now();
        System.out.println("[faults] " + began + " " + fault.title());
        seen.queuesBefore = sample(seen).queues();
        sampleUntil(seen, Instant.now().plus(settings.leadIn()));
        if (!fault.id().equals("baseline")) {
            load.burst(settings.burst());
            Thread.sleep(300); // the burst is accepted and on its way through the services when the fault strikes
        }
        try {
            fault.inject().run();
        } catch (Exception e) {
            seen.harness.add("could not inject the fault: " + e);
        }
        sampleUntil(seen, Instant.now().plus(fault.hold()));
        try {
            fault.lift().run();
        } catch (Exception e) {
            seen.harness.add("could not lift the fault: " + e);
        }
        var lifted = Instant.now();
        var end = settle(seen, lifted, lifted.plus(settings.settleBound()));
        if (end.healthy) {
            seen.drain = Duration.between(lifted, end.drainedSince).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            seen.ready = Duration.between(lifted, end.readySince).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            if (seen.drain.isNegative()) {
                seen.drain = Duration.ZERO;
            }
            if (seen.ready.isNegative()) {
                seen.ready = Duration.ZERO;
            }
        } else {
            seen.endState = describe(end.last);
            heal(seen, end.last);
        }
        seen.queuesAfter = probe.look().queues();
        seen.took = Duration.between(began, Instant.now());
        return seen;
    }

    private record SettleEnd(boolean healthy, Instant readySince, Instant drainedSince, Probe.Snapshot last) {
    }

    /**
     * Waits until every service is ready and the queues are drained (both for {@link #STEADY}) and every message
     * of this fault older than {@link #GRACE} is answered, including those sent after the lift — or, once healthy,
     * until those answers stop coming for {@code quiet} (they are then lost, unless they come later) — at most
     * until {@code deadline}.
     */
    private SettleEnd settle(Observed seen, Instant lifted, Instant deadline) throws Exception {
        Instant readySince = null;
        Instant drainedSince = null;
        int open = -1;
        var openSince = Instant.now();
        var history = new java.util.ArrayDeque<Probe.Snapshot>();
        Probe.Snapshot snap;
        while (true) {
            snap = sample(seen);
            var now = snap.at();
            history.addLast(snap);
            Probe.Snapshot windowAgo = null;
            while (!history.isEmpty() && !history.peekFirst().at().isAfter(now.minus(STUCK_WINDOW))) {
                windowAgo = history.pollFirst();
            }
            if (windowAgo != null) {
                history.addFirst(windowAgo);
            }
            // a consumer sitting on unacked messages is not a recovery, however short its queue
            var consuming = windowAgo != null && snap.stuckSince(windowAgo).isEmpty();
            readySince = snap.allReady() ? (readySince == null ? now : readySince) : null;
            var drained = snap.backlog() >= 0 && snap.backlog() <= settings.backlog();
            drainedSince = drained ? (drainedSince == null ? now : drainedSince) : null;
            var healthy = readySince != null && drainedSince != null && consuming
                    && !now.isBefore(later(readySince, drainedSince).plus(STEADY));
            var stillOpen = ledger.unsettled(seen.phase, now.minus(GRACE));
            if (stillOpen != open) {
                open = stillOpen;
                openSince = now;
            }
            var waitedLongEnough = !now.isBefore(later(openSince, lifted).plus(settings.quiet()));
            // messages sent after the lift must have had their chance too: a consumer that came back without
            // consuming shows only there
            var afterLiftCovered = !now.isBefore(lifted.plus(GRACE).plus(STEADY));
            if (healthy && afterLiftCovered && (open == 0 || waitedLongEnough)) {
                return new SettleEnd(true, readySince, drainedSince, snap);
            }
            if (!now.isBefore(deadline)) {
                return new SettleEnd(false, readySince, drainedSince, snap);
            }
            Thread.sleep(1000);
        }
    }

    /**
     * The product did not recover on its own: restart what is stuck, as an operator would, and say so. Stuck: not
     * ready, owning a queue deeper than the bound, or holding unacknowledged messages without acknowledging any
     * for {@link #STUCK_WINDOW}. Two rounds, since a service freed may flood a stuck one downstream.
     */
    private void heal(Observed seen, Probe.Snapshot last) throws Exception {
        var restarted = new LinkedHashSet<App>();
        for (int round = 1; round <= 2; round++) {
            Thread.sleep(STUCK_WINDOW.toMillis());
            var now = probe.look();
            var culprits = new LinkedHashSet<App>(now.unready());
            for (var queue : now.deeperThan(settings.backlog())) {
                culprits.add(queue.owner());
            }
            for (var queue : now.stuckSince(last)) {
                culprits.add(queue.owner());
            }
            culprits.remove(null);
            if (culprits.isEmpty()) {
                if (restarted.isEmpty()) {
                    seen.harness.add("still broken and nothing to restart: " + describe(now));
                }
                return;
            }
            System.out.println("[faults] not recovered (" + describe(now) + "): restarting "
                    + culprits.stream().map(a -> a.module).collect(Collectors.joining(", ")));
            for (var app : culprits) {
                apps.stop(app);
                apps.launch(app, false);
            }
            restarted.addAll(culprits);
            seen.manualRestart = restarted.stream().map(a -> a.module).collect(Collectors.joining(", "));
            var from = Instant.now();
            var end = settle(seen, from, from.plus(settings.settleBound()));
            if (end.healthy) {
                return;
            }
            last = end.last;
        }
        seen.harness.add("still broken after restarting " + seen.manualRestart + ": " + describe(last));
    }

    /** What reached each dead-letter queue during the fault, e.g. {@code command.whatsapp-inbound.dlq +107}. */
    private static String deadLettered(Observed seen) {
        if (seen.queuesBefore == null || seen.queuesAfter == null) {
            return "? (management API not answering)";
        }
        var before = seen.queuesBefore.stream().collect(Collectors.toMap(Probe.Queue::name, Probe.Queue::messages));
        var grown = seen.queuesAfter.stream().filter(Probe.Queue::deadLetters)
                .filter(q -> q.messages() > before.getOrDefault(q.name(), 0L))
                .map(q -> q.name() + " +" + (q.messages() - before.getOrDefault(q.name(), 0L))).toList();
        return grown.isEmpty() ? "none" : String.join(", ", grown);
    }

    private static String describe(Probe.Snapshot snap) {
        var unready = snap.unready();
        return (unready.isEmpty() ? "all ready" : "not ready: " + unready.stream().map(a -> a.module)
                .collect(Collectors.joining(", "))) + "; queues: " + snap.queuesText(0);
    }

    private Probe.Snapshot sample(Observed seen) throws InterruptedException {
        var snap = probe.look();
        var inFlight = ledger.unsettled(seen.phase, snap.at());
        seen.peakBacklog = Math.max(seen.peakBacklog, snap.backlog());
        seen.peakInFlight = Math.max(seen.peakInFlight, inFlight);
        if (timeline != null) {
            timeline.println(snap.at() + " " + seen.fault.id() + " in-flight=" + inFlight + " "
                    + describe(snap));
            timeline.flush();
        }
        return snap;
    }

    private void sampleUntil(Observed seen, Instant until) throws InterruptedException {
        while (Instant.now().isBefore(until)) {
            sample(seen);
            Thread.sleep(Math.max(0, Math.min(1000, Duration.between(Instant.now(), until).toMillis())));
        }
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** After the load stopped: the last answers, until none is missing or none came for {@code quiet}. */
    private void awaitLastAnswers() throws InterruptedException {
        var deadline = Instant.now().plus(settings.settleBound());
        int open = ledger.unsettled();
        var since = Instant.now();
        while (open > 0 && Instant.now().isBefore(deadline)
                && Instant.now().isBefore(since.plus(settings.quiet()))) {
            Thread.sleep(1000);
            var now = ledger.unsettled();
            if (now != open) {
                open = now;
                since = Instant.now();
            }
        }
    }

    // ------------------------------------------------------------------ set-up

    /** Links users through the real flow (link, the code from Flash, "linked"), eight at a time. */
    private List<String> link(int count) throws Exception {
        var pool = Executors.newFixedThreadPool(8);
        try {
            var futures = new ArrayList<Future<String>>();
            for (int i = 0; i < count; i++) {
                var phone = "+1876900" + String.format("%04d", i);
                futures.add(pool.submit(() -> {
                    var chat = new Chat(sandbox, phone);
                    chat.say("link");
                    chat.expectContaining("code");
                    chat.say(sandbox.requestFlashCode(phone));
                    chat.expectContaining("linked");
                    return phone;
                }));
            }
            var phones = new ArrayList<String>();
            for (var f : futures) {
                phones.add(f.get(3, TimeUnit.MINUTES));
            }
            awaitQuietTwilio();
            return phones;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Until the Twilio simulator has recorded nothing new for 3 s: the set-up's last replies are in. */
    private void awaitQuietTwilio() throws Exception {
        var deadline = Instant.now().plusSeconds(60);
        int last = -1;
        var since = Instant.now();
        while (Instant.now().isBefore(deadline)) {
            int now = sandbox.get("/sandbox/twilio/messages").size();
            if (now != last) {
                last = now;
                since = Instant.now();
            } else if (Duration.between(since, Instant.now()).compareTo(Duration.ofSeconds(3)) >= 0) {
                return;
            }
            Thread.sleep(500);
        }
    }

    /**
     * One message of each kind before the load, to check that the product still answers each with the number of
     * messages the books expect (the counts were observed on today's product; a change shows here first).
     */
    private void calibrate(WebhookLoad load) throws Exception {
        var phase = ledger.begin("calibration", "calibration");
        for (var kind : Ledger.Kind.values()) {
            var user = kind.linked ? ledger.idleLinkedUser() : ledger.freshUser();
            var message = load.send(user, kind).get(30, TimeUnit.SECONDS);
            if (message.outcome != Ledger.Outcome.ACCEPTED) {
                throw new AssertionError("calibration: the gateway refused " + kind + " (" + message.refusal
                        + "); see " + apps.log(App.GATEWAY));
            }
            var deadline = Instant.now().plusSeconds(60);
            while (ledger.replies(message) < kind.replies && Instant.now().isBefore(deadline)) {
                Thread.sleep(200);
            }
            Thread.sleep(3000); // time for a reply too many to show up
            var sent = new ArrayList<String>();
            for (var m : sandbox.get("/sandbox/twilio/messages?to=whatsapp:" + user.phone.replace("+", "%2B"))) {
                sent.add("\"" + Ledger.excerpt(m.path("body").asText()) + "\"");
            }
            if (ledger.replies(message) != kind.replies || !sent.isEmpty() && sent.size() < kind.replies) {
                throw new AssertionError("calibration: " + kind.description + " — expected " + kind.replies
                        + " replies, the bot sent " + sent.size() + ": " + sent
                        + ". If the product changed on purpose, update Ledger.Kind.");
            }
            calibration.put(kind, String.join(" + ", sent.subList(Math.max(0, sent.size() - kind.replies),
                    sent.size())));
        }
        var tally = ledger.tally(phase);
        if (tally.duplicated() > 0) {
            throw new AssertionError("calibration: more replies than expected: " + tally.duplicateExamples()
                    + ". If the product changed on purpose, update Ledger.Kind.");
        }
    }

    // ------------------------------------------------------------------ report

    private List<String> writeReport(List<Observed> observed, Duration took) throws Exception {
        var failures = new ArrayList<String>();
        var table = new StringBuilder();
        table.append("| fault | sent | accepted | refused | answered | lost | duplicated | drain time | ready after "
                + "| peak in flight | result |\n");
        table.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
        var details = new StringBuilder();
        for (var seen : observed) {
            var t = ledger.tally(seen.phase);
            var problems = new ArrayList<String>(seen.harness);
            if (t.lost() > 0) {
                problems.add("lost " + t.lost() + " " + t.lostByKind());
            }
            if (t.duplicated() > 0) {
                problems.add("duplicated " + t.duplicated());
            }
            if (seen.manualRestart != null) {
                problems.add("recovered only after a manual restart of " + seen.manualRestart + " ("
                        + seen.endState + ")");
            } else if (seen.drain != null && seen.drain.compareTo(settings.drainBound()) > 0) {
                problems.add("queues drained after " + seen.drain.toSeconds() + " s > " + settings.drainBound()
                        .toSeconds() + " s");
            }
            if (seen.manualRestart == null && seen.ready != null
                    && seen.ready.compareTo(settings.readyBound()) > 0) {
                problems.add("ready after " + seen.ready.toSeconds() + " s > " + settings.readyBound().toSeconds()
                        + " s");
            }
            var drain = seen.drain != null ? seen.drain.toSeconds() + " s"
                    : "> " + settings.settleBound().toSeconds() + " s";
            var ready = seen.ready != null ? seen.ready.toSeconds() + " s"
                    : "> " + settings.settleBound().toSeconds() + " s";
            var result = problems.isEmpty() ? "PASS" : "FAIL: " + String.join("; ", problems);
            table.append("| ").append(seen.fault.title()).append(" | ").append(t.sent()).append(" | ")
                    .append(t.accepted()).append(" | ").append(t.refused()).append(" | ").append(t.answered())
                    .append(" | ").append(t.lost()).append(" | ").append(t.duplicated()).append(" | ")
                    .append(drain).append(" | ").append(ready).append(" | ").append(seen.peakInFlight)
                    .append(" | ").append(problems.isEmpty() ? "PASS" : "**FAIL**").append(" |\n");
            if (!problems.isEmpty()) {
                failures.add(seen.fault.title() + ": " + String.join("; ", problems));
            }
            details.append("\n### ").append(seen.fault.title()).append("\n\n");
            details.append("- result: ").append(result).append('\n');
            if (seen.took != null) {
                details.append("- took ").append(seen.took.toSeconds()).append(" s (lead-in, fault, recovery)\n");
            }
            details.append("- sent by kind: ").append(ledger.sentByKind(seen.phase)).append('\n');
            if (!t.refusals().isEmpty()) {
                details.append("- refused: ").append(t.refusals()).append(t.refusedButAnswered() > 0
                        ? "; answered although refused: " + t.refusedButAnswered() : "").append('\n');
            }
            if (t.lost() > 0) {
                details.append("- lost by kind: ").append(t.lostByKind()).append("; e.g. ")
                        .append(String.join("; ", t.lostExamples())).append('\n');
            }
            if (t.undelivered() > 0) {
                details.append("- replies Twilio could not deliver (counted as lost): ").append(t.undelivered())
                        .append('\n');
            }
            if (t.duplicated() > 0) {
                details.append("- duplicates, e.g.: ").append(String.join("; ", t.duplicateExamples())).append('\n');
            }
            if (t.late() > 0) {
                details.append("- answered only after the fault was over: ").append(t.late()).append('\n');
            }
            details.append("- peak backlog in the queues: ").append(seen.peakBacklog).append("; dead-lettered: ")
                    .append(deadLettered(seen)).append('\n');
            if (!seen.endState.isEmpty()) {
                details.append("- at the bound: ").append(seen.endState).append('\n');
            }
        }
        var harness = ledger.harnessErrors();
        if (!harness.isEmpty()) {
            failures.add("the harness itself failed: " + harness);
        }
        var out = new StringBuilder();
        out.append("# Fault suite report\n\n");
        out.append("Run ").append(Instant.now()).append(", ").append(took.toMinutes()).append(" min ")
                .append(took.toSecondsPart()).append(" s. Load: ").append(settings.rate())
                .append(" signed webhooks/s (").append(WEIGHTS.entrySet().stream()
                        .map(e -> e.getKey() + " " + Math.round(e.getValue() * 100) + " %")
                        .collect(Collectors.joining(", "))).append("; ").append(settings.linkedPerFault())
                .append(" linked users per fault, a new user's price when none is free); services down ")
                .append(settings.appDown().toSeconds()).append(" s after a kill, servers down ")
                .append(settings.serverDown().toSeconds()).append(" s, stand-ins failing ")
                .append(settings.outage().toSeconds()).append(" s; each fault strikes 0.3 s after a burst of ")
                .append(settings.burst()).append(" webhooks. Bounds: drained within ").append(settings.drainBound().toSeconds())
                .append(" s (≤ ").append(settings.backlog()).append(" messages in the queues), ready within ")
                .append(settings.readyBound().toSeconds()).append(" s, recovery waited up to ")
                .append(settings.settleBound().toSeconds()).append(" s.\n\n");
        out.append(table);
        out.append("\nA message is *answered* when all the replies its kind gets arrived at the Twilio simulator and "
                + "were delivered; *lost* = accepted − answered (counted at the end of the run, so a late answer is "
                + "not lost); *refused* = 5xx, no connection (after Twilio's one retry) or no answer within 15 s; "
                + "*drain time* and *ready after* are counted from the moment the fault was lifted (for a kill: "
                + "the restart).\n\n");
        out.append("What each kind gets (calibration, before the load):\n\n");
        for (var e : calibration.entrySet()) {
            out.append("- ").append(e.getKey().description).append(": ").append(e.getValue()).append('\n');
        }
        out.append("\n## Details\n").append(details);
        out.append("\n## Servers stopped and started\n\n```\n").append(servers.journal()).append("```\n");
        if (!harness.isEmpty()) {
            out.append("\n## Harness errors\n\n").append(String.join("\n", harness)).append('\n');
        }
        out.append("\nUnmatched Twilio messages (to nobody of the load): ").append(ledger.unknownReplies())
                .append("; ticks skipped (too many webhooks open): ").append(ledger.skippedTicks()).append('\n');
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, out.toString());
        System.out.println("\n" + table);
        return failures;
    }
}
