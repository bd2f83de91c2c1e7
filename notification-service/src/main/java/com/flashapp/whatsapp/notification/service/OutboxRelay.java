package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.OutboundRecord;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.notification.client.TwilioContent;
import com.flashapp.whatsapp.notification.client.TwilioMessages;
import com.flashapp.whatsapp.notification.client.TwilioSender;
import com.flashapp.whatsapp.notification.client.TwilioSender.Outcome;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox relay: claims stored messages (queued → sending), chooses free-form or the approved template
 * (the 24-hour window), paces them under the sender's rate, sends each through Twilio on a worker thread and
 * records the outcome (sent; retry after exponential backoff with jitter, or Twilio's Retry-After; template
 * fallback; failed). A message is retried until its lifetime (by kind) ends, then fails as {@code expired}. While
 * Twilio's circuit breaker is open the relay claims nothing (messages wait, no attempt is spent), while it is half
 * open it sends one message at a time (the probes), and when it closes the backlog drains. It runs when woken
 * after a store and on a short poll (retries falling due, other replicas' work); a message a dead relay left in
 * sending goes back to the queue when its lease runs out.
 */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxRepository outbox;
    private final TwilioSender twilio;
    private final QuickReplyButtons buttons;
    private final NotificationConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final SenderPool pool;
    private final ExecutorService senders;
    private final GroupCommit<OutboxRepository.Accepted, Void> accepted;
    private final CircuitBreakerMaintenance breakers;
    /**
     * Messages Twilio's circuit breaker lets the relay have in flight: every lane while it is closed, one while it is
     * half open (its probes go one at a time), none while it is open. Lowered to none when a send finds the breaker
     * open; raised by the breaker's state changes (and checked on every poll).
     */
    private volatile int breakerLimit;
    private final AtomicLong held = new AtomicLong();
    /** A claim query is running (one at a time: the wakes that arrive meanwhile are folded into {@link #again}). */
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /**
     * Lanes taken: messages claimed and not yet recorded, plus lanes reserved for a claim or a store that is
     * running. Never more than the concurrency.
     */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean delayedWake = new AtomicBoolean();
    /** Recipients whose next message should be claimed, each with the lanes held for it. */
    private final ConcurrentLinkedQueue<Head> heads = new ConcurrentLinkedQueue<>();
    /**
     * Recipients that may have a message queued behind one in flight, each with the stamp of its latest mark: a
     * finished send looks for its recipient's next message only for these. Everyone else (most recipients, when
     * each user gets a message now and then) costs no lookup per send. A recipient leaves when a lookup made after
     * its send finished found nothing, unless it was marked again meanwhile.
     */
    private final ConcurrentHashMap<String, Long> backlogged = new ConcurrentHashMap<>();
    private final AtomicLong stamps = new AtomicLong();
    private final AtomicBoolean claimingHeads = new AtomicBoolean();
    /** Due messages may be waiting that no recipient's claim will reach (lanes ran out): claim them generally. */
    private final AtomicBoolean overflow = new AtomicBoolean();
    private final int claimThreshold;
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong claimedSinceVacuum = new AtomicLong();
    /** Claims that make the next vacuum: {@link #FIRST_VACUUM_AFTER}, doubled after each run up to vacuum-after. */
    private volatile long vacuumDue;
    /** The queue's depth (as the gauges last read it) when it was last analyzed. */
    private volatile long analyzedDepth;
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong nextAttemptMillis = new AtomicLong();
    private volatile boolean paused;
    private final Map<String, Counter> sends = new ConcurrentHashMap<>();
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Timer sendLatency;
    private final Timer twilioRequest;
    private final Timer generalClaim;
    private final Timer headsClaim;

    public OutboxRelay(OutboxRepository outbox, TwilioSender twilio, NotificationConfig config, Clock clock,
                       MeterRegistry registry, CircuitBreakerMaintenance breakers, QuickReplyButtons buttons,
                       SenderPool pool) {
        this.outbox = outbox;
        this.buttons = buttons;
        this.twilio = twilio;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.pool = pool;
        // twilio-java blocks a thread per request: a pool of up to as many threads as sends may be in flight, so
        // sends never queue behind other blocking work on the shared worker pool (nor starve it)
        this.senders = new SenderThreads(config.relay().concurrency(), config.relay().senderIdle().toMillis(),
                "twilio-send");
        // Twilio's acceptances in groups: one statement for all that finished while the previous one ran
        this.accepted = new GroupCommit<>(batch -> outbox.markAccepted(batch)
                .map(moved -> Collections.<Void>nCopies(batch.size(), null)), config.relay().batchSize());
        this.vacuumDue = Math.min(FIRST_VACUUM_AFTER, config.relay().vacuumAfter());
        this.claimThreshold = Math.max(1, Math.min(config.relay().claimThreshold(), config.relay().concurrency()));
        this.paused = !config.relay().enabled();
        // histograms, so p99 can be read for any window (the benchmark reads its measured phase's)
        this.sendLatency = Timer.builder("notification.send.latency")
                .description("From receiving a message (or storing one this service wrote) to its Twilio request")
                // an exact 50 ms bucket: the target is "p99 under 50 ms"
                .publishPercentileHistogram().serviceLevelObjectives(Duration.ofMillis(50))
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
        this.twilioRequest = Timer.builder("notification.twilio.request")
                .description("One Twilio Messages API request")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        // the general claim walks every recipient with unsent messages; the heads claim looks up the ones given
        this.generalClaim = claimTimer(registry, "general");
        this.headsClaim = claimTimer(registry, "heads");
        registry.gauge("notification.outbox.depth", depth);
        registry.gauge("notification.outbox.oldest.age.seconds", oldestAgeSeconds);
        registry.gauge("notification.outbox.waiting", waiting);
        registry.gauge("notification.outbox.next.attempt.seconds", nextAttemptMillis, ms -> ms.get() / 1000.0);
        registry.gauge("notification.relay.held", held);
        Gauge.builder("notification.relay.lanes", inFlight, AtomicInteger::get)
                .description("Relay lanes taken: messages claimed and not yet recorded, and lanes reserved for a "
                        + "claim running")
                .register(registry);
        this.breakers = breakers;
        this.breakerLimit = config.relay().concurrency();
        breakers.onStateChange(TwilioMessages.BREAKER, this::breakerChanged);
    }

    private static Timer claimTimer(MeterRegistry registry, String kind) {
        return Timer.builder("notification.relay.claim").tag("kind", kind)
                .description("One claim statement of the relay (general: every recipient; heads: the ones given)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    }

    @Scheduled(every = "${app.relay.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        // the state-change callbacks keep the limit current; this catches a reset, or a hold set after the change
        breakerChanged(breakers.currentState(TwilioMessages.BREAKER));
        wake();
    }

    /**
     * Follows Twilio's circuit breaker: open → claim nothing (stored messages wait, no attempt is spent on them);
     * half open → one message in flight at a time, the breaker's probes; closed → every lane. Called by the
     * breaker on each state change (on the thread that caused it) and on every poll.
     */
    void breakerChanged(CircuitBreakerState state) {
        int limit = switch (state) {
            case CLOSED -> config.relay().concurrency();
            case HALF_OPEN -> 1;
            case OPEN -> 0;
        };
        int before = breakerLimit;
        if (limit == before) {
            return;
        }
        breakerLimit = limit;
        held.set(limit == 0 ? 1 : 0);
        switch (state) {
            case OPEN -> {
                if (before == config.relay().concurrency()) {
                    Log.warn("Twilio circuit breaker open: the relay holds its queue until the breaker lets a probe "
                            + "through");
                } else {
                    Log.info("Twilio circuit breaker open again: the relay holds its queue");
                }
            }
            case HALF_OPEN -> Log.info("Twilio circuit breaker half open: the relay sends one message at a time");
            case CLOSED -> Log.info("Twilio circuit breaker closed: the relay sends on every lane again");
        }
        if (limit > before) {
            wake();
        }
    }

    /** A send found the breaker open (it made no request): hold until the breaker says otherwise. */
    private void holdForBreaker() {
        if (breakerLimit != 0) {
            breakerLimit = 0;
            held.set(1);
            Log.warn("Twilio circuit breaker open: the relay holds its queue until the breaker lets a probe through");
        }
    }

    /** Claims nothing: stopped by {@link #pause()}, or Twilio's circuit breaker is open. */
    private boolean holding() {
        return paused || breakerLimit == 0;
    }

    /** Most messages in flight now: the concurrency, or fewer while the breaker is open or half open. */
    private int limit() {
        return Math.min(config.relay().concurrency(), breakerLimit);
    }

    @Scheduled(every = "${app.relay.lease-check-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> recoverStale() {
        var now = clock.instant();
        return outbox.requeueStale(now, now.minus(config.relay().sendingLease()))
                .invoke(n -> {
                    if (n > 0) {
                        Log.warnf("Requeued %d message(s) left in sending by a relay that stopped", n);
                        wake();
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    Log.debugf("Lease check failed (the next one retries): %s", e.toString());
                    return null;
                });
    }

    /**
     * Claims before the first vacuum (and analyze) after start: a young outbox's statistics, and the plans PostgreSQL
     * cached for the relay's prepared statements while its tables were empty, are renewed while it grows.
     */
    static final long FIRST_VACUUM_AFTER = 500;

    /**
     * The queue is analyzed on its own once it holds at least this many messages and twice as many as at its last
     * analysis: a backlog built while nothing was claimed (Twilio's breaker open) triggers no vacuum, and the
     * planner would go on planning for the queue it last saw.
     */
    static final long ANALYZE_DEPTH = 500;

    /** Whether a queue this deep, last analyzed at {@code analyzedDepth}, should be analyzed again. */
    static boolean queueGrown(long depth, long analyzedDepth) {
        return depth >= Math.max(ANALYZE_DEPTH, 2 * analyzedDepth);
    }

    /** The claims that make the vacuum after one run at {@code due}: twice as many, at most {@code vacuumAfter}. */
    static long nextVacuumDue(long due, long vacuumAfter) {
        return Math.min(vacuumAfter, Math.max(1, due) * 2);
    }

    /**
     * Vacuums and analyzes the outbox tables once enough messages went through (see {@code vacuum-after}; sooner
     * after a start, see {@link #FIRST_VACUUM_AFTER}). Skip-locked: with several replicas, one vacuum at a time runs
     * and the others skip their turn.
     */
    @Scheduled(every = "${app.relay.vacuum-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> vacuum() {
        long since = claimedSinceVacuum.get();
        var due = vacuumDue;
        if (since < due) {
            return analyzeIfGrown();
        }
        claimedSinceVacuum.addAndGet(-since);
        long queued = depth.get();
        var started = System.nanoTime();
        return outbox.vacuum(config.relay().vacuumCostDelay())
                .invoke(() -> registry.timer("notification.outbox.vacuum").record(
                        Duration.ofNanos(System.nanoTime() - started)))
                .invoke(() -> vacuumDue = nextVacuumDue(due, config.relay().vacuumAfter()))
                .invoke(() -> analyzedDepth = queued)
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Outbox vacuum failed (the next one retries): %s", e.toString());
                    claimedSinceVacuum.addAndGet(since);
                    return null;
                });
    }

    /** Analyzes the queue alone when it grew past what the planner last saw ({@link #queueGrown}). */
    private Uni<Void> analyzeIfGrown() {
        long queued = depth.get();
        if (!queueGrown(queued, analyzedDepth)) {
            return Uni.createFrom().voidItem();
        }
        return outbox.analyzeQueue()
                .invoke(() -> {
                    analyzedDepth = queued;
                    registry.counter("notification.outbox.analyze").increment();
                })
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Analyzing the outbox queue failed (the next round retries): %s", e.toString());
                    return null;
                });
    }

    @Scheduled(every = "${app.relay.metrics-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshGauges() {
        var now = clock.instant();
        return outbox.backlog(now).invoke(b -> {
            depth.set(b.depth());
            oldestAgeSeconds.set(b.oldest() == null ? 0
                    : Math.max(0, Duration.between(b.oldest(), now).toSeconds()));
            waiting.set(b.waiting());
            nextAttemptMillis.set(b.nextDue() == null ? 0
                    : Math.max(0, Duration.between(now, b.nextDue()).toMillis()));
        }).replaceWithVoid().onFailure().recoverWithItem(e -> {
            Log.debugf("Backlog gauges not refreshed: %s", e.toString());
            return null;
        });
    }

    /** Stops claiming (what is in flight finishes); stored messages wait. For maintenance and tests. */
    public void pause() {
        paused = true;
    }

    /** Claims again, at once. */
    public void resume() {
        paused = false;
        wake();
    }

    @PreDestroy
    void stop() {
        senders.shutdown();
    }

    /** True when nothing is being claimed or sent. */
    public boolean idle() {
        return !claiming.get() && inFlight.get() == 0;
    }

    /**
     * The general claim: as many due messages as there are free lanes (at most a batch), the oldest first, one per
     * recipient. It runs on the poll, on resume, when a retry falls due, after a store made inside another
     * transaction, and when lanes free up after they ran out; the hot path (a group stored, a send recorded) claims
     * by recipient instead ({@link #started}, {@link #claimNext}). Wakes while a claim runs are folded into one
     * follow-up claim.
     */
    public void wake() {
        if (holding()) {
            return;
        }
        again.set(true);
        if (!claiming.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        int room = reserve(config.relay().batchSize());
        if (room <= 0) {
            overflow.set(true);
            claiming.set(false);
            // a send finishing after the read above wakes us again; one that finished before it set again
            if (again.get() && free() > 0) {
                wake();
            }
            return;
        }
        var claimStarted = System.nanoTime();
        outbox.claim(clock.instant(), room).subscribe().with(batch -> {
            generalClaim.record(System.nanoTime() - claimStarted, TimeUnit.NANOSECONDS);
            overflow.set(batch.size() == room);
            // a message stored behind one of these (or already queued) is claimed when it finishes
            batch.forEach(m -> expect(m.to()));
            batch.forEach(this::start);
            claiming.set(false);
            release(room - batch.size());
            if (batch.size() == room || again.get()) {
                wake();
            }
        }, failure -> {
            claiming.set(false);
            release(room);
            Log.warnf("Relay claim failed (the next poll retries): %s", failure.toString());
        });
    }

    /**
     * Takes up to {@code wanted} free lanes for messages about to be claimed (by a store or a claim); the caller
     * starts what it claimed with {@link #started} and gives the rest back with {@link #release}. None while
     * paused or while the breaker is open, one at a time while it is half open.
     */
    public int reserve(int wanted) {
        while (!holding()) {
            int taken = inFlight.get();
            int granted = Math.min(wanted, limit() - taken);
            if (granted <= 0) {
                return 0;
            }
            if (inFlight.compareAndSet(taken, taken + granted)) {
                return granted;
            }
        }
        return 0;
    }

    /**
     * Marks a recipient as possibly having a message queued behind one in flight, so that the send finishing
     * looks for it: called by every store before it commits (and for messages put back in the queue).
     */
    public void expect(String to) {
        backlogged.put(to, stamps.incrementAndGet());
    }

    /**
     * A recipient whose next message a claim should look for, with the lanes it brings (taken with it from the
     * queue, so a claim never sees a head without its lane); {@code idle}: nothing of theirs is in flight.
     */
    private record Head(String to, boolean idle, int lanes) {
    }

    /** Gives back lanes reserved and not used. */
    public void release(int lanes) {
        if (lanes <= 0) {
            return;
        }
        inFlight.addAndGet(-lanes);
        lanesFreed();
    }

    private int free() {
        return limit() - inFlight.get();
    }

    /** Sends messages a store claimed, each on a lane the store reserved. */
    public void started(List<OutboundRecord> claimed) {
        claimed.forEach(this::start);
    }

    /**
     * Claims the next message of each of these recipients, whose earlier messages were unsent when theirs were
     * stored (call after that store committed). Lanes are reserved here; a recipient that gets none waits for the
     * general claim.
     */
    public void claimNext(Collection<String> recipients) {
        if (recipients.isEmpty()) {
            return;
        }
        recipients.forEach(this::expect);
        int lanes = reserve(recipients.size());
        if (lanes < recipients.size()) {
            overflow.set(true);
        }
        if (lanes == 0) {
            return;
        }
        int left = lanes;
        for (var to : recipients) {
            heads.add(new Head(to, false, left > 0 ? 1 : 0));
            left--;
        }
        claimHeads();
    }

    /**
     * One statement claims the next message of every recipient queued here (a finished send hands its lane to
     * its recipient's next message), so recipients are served in parallel lanes, one message in flight each,
     * without a query over the whole outbox per send.
     */
    private void claimHeads() {
        if (!claimingHeads.compareAndSet(false, true)) {
            return; // the running claim's completion takes what arrived meanwhile
        }
        var recipients = new HashSet<String>();
        // recipients whose send finished (nothing of theirs in flight), with their stamp before the lookup
        var idle = new HashMap<String, Long>();
        int brought = 0;
        Head next;
        while ((next = heads.poll()) != null) {
            recipients.add(next.to());
            brought += next.lanes();
            if (next.idle()) {
                var stamp = backlogged.get(next.to());
                if (stamp != null) {
                    idle.put(next.to(), stamp);
                }
            }
        }
        int lanes = brought;
        if (recipients.isEmpty() || holding()) {
            claimingHeads.set(false);
            release(lanes);
            if (!heads.isEmpty()) {
                claimHeads();
            }
            return;
        }
        var claimStarted = System.nanoTime();
        outbox.claimHeads(recipients, clock.instant(), lanes).subscribe().with(claimed -> {
            headsClaim.record(System.nanoTime() - claimStarted, TimeUnit.NANOSECONDS);
            if (claimed.size() == lanes && lanes < recipients.size()) {
                overflow.set(true);
            } else {
                // nothing queued (and due) for an idle recipient that got no message: it leaves the backlog,
                // unless a store marked it again since the lookup began (that store's own claim follows)
                claimed.forEach(m -> idle.remove(m.to()));
                idle.forEach(backlogged::remove);
            }
            claimed.forEach(this::start);
            claimingHeads.set(false);
            release(lanes - claimed.size());
            if (!heads.isEmpty()) {
                claimHeads();
            }
        }, failure -> {
            Log.warnf("Claiming recipients' next messages failed (the next poll claims them): %s",
                    failure.toString());
            claimingHeads.set(false);
            release(lanes);
            if (!heads.isEmpty()) {
                claimHeads();
            }
        });
    }

    /** Sends a claimed message on a lane already taken for it; when recorded, the lane goes to its next one. */
    private void start(OutboundRecord m) {
        claimedSinceVacuum.incrementAndGet();
        send(m).onFailure().recoverWithUni(e -> {
            Log.warnf("Recording the send of %s failed for good; its lease will requeue it: %s", m.id(), e.toString());
            return Uni.createFrom().voidItem();
        }).subscribe().with(ignored -> finished(m.to()), failure -> finished(m.to()));
    }

    private void finished(String to) {
        // the lane goes to the recipient's next message only while lanes are not over the breaker's limit
        if (holding() || inFlight.get() > limit() || !backlogged.containsKey(to)) {
            release(1);
            return;
        }
        heads.add(new Head(to, true, 1));
        claimHeads();
    }

    /**
     * Lanes came free. If due messages may be waiting for one (they ran out earlier), claim them: at once when
     * enough lanes are free ({@code claim-threshold}), otherwise within {@code claim-delay}, one query for all.
     */
    private void lanesFreed() {
        if (!overflow.get() || holding()) {
            return;
        }
        if (free() >= claimThreshold || config.relay().claimDelay().isZero()) {
            wake();
        } else if (delayedWake.compareAndSet(false, true)) {
            Uni.createFrom().voidItem().onItem().delayIt().by(config.relay().claimDelay()).subscribe().with(
                    ignored -> {
                        delayedWake.set(false);
                        wake();
                    });
        }
    }

    Uni<Void> send(OutboundRecord m) {
        var now = clock.instant();
        var expiresAt = expiresAt(m);
        if (!now.isBefore(expiresAt)) {
            // waited out its lifetime (behind earlier messages, or while Twilio was down): no longer worth sending
            count("expired");
            countFailure("expired");
            Log.infof("%s (%s) not sent within its lifetime: failed as expired", m.id(), m.kind());
            return outbox.markExpired(m.id(), "not sent within its lifetime (" + lifetime(m.kind()) + " for "
                    + m.kind() + ")", now);
        }
        var contentSid = m.templateKey() == null ? null : config.templates().contentSids().get(m.templateKey());
        boolean windowClosed = m.windowOpenedAt() != null
                && m.windowOpenedAt().plus(config.window().duration()).isBefore(now);
        boolean template = "template".equals(m.kind()) || m.useTemplate() || (windowClosed && contentSid != null);
        if (template && contentSid == null) {
            count("failed");
            countFailure("no_template");
            return outbox.markFailed(m.id(), "no_template",
                    "no approved template configured for '" + m.templateKey() + "'", false, now);
        }
        if (!template && windowClosed) {
            count("outside_window");
            countFailure("outside_window");
            return outbox.markFailed(m.id(), String.valueOf(TwilioSender.OUTSIDE_WINDOW),
                    "outside the 24-hour window and no approved template for this message", false, now);
        }
        // the recipient's sender: always the same one
        var sender = pool.forRecipient(m.to(), m.windowSender());
        var windowOpen = m.windowOpenedAt() != null && !windowClosed;
        var from = sender.from();
        var numbered = new TwilioSender.Send(from, m.to(),
                OutboundService.withQuickReplies(m.body(), m.quickReplies()), m.mediaUrls(), null, null);
        var buttonType = template || !windowOpen ? null : buttons.typeFor(m);
        Uni<Prepared> prepared;
        if (template) {
            prepared = Uni.createFrom().item(new Prepared(
                    new TwilioSender.Send(from, m.to(), null, List.of(), contentSid, m.templateVariables()), null,
                    null));
        } else if (buttonType == null) {
            // no quick replies, or the window is not known to be open (a session template would be refused), or
            // they do not fit WhatsApp's buttons: the words work everywhere
            prepared = Uni.createFrom().item(new Prepared(numbered, null, null));
        } else {
            prepared = buttons.contentSid(buttonType, m.quickReplies(), m.body(), senders)
                    .map(sid -> new Prepared(new TwilioSender.Send(from, m.to(), null, List.of(), sid,
                            Map.of(TwilioContent.BODY_VARIABLE, m.body())), numbered, buttonType))
                    .onFailure().recoverWithItem(e -> {
                        // never lose the message for its buttons
                        count("buttons_unavailable");
                        Log.warnf("No quick-reply template for %s (%s): sending numbered text", m.id(),
                                e.getMessage());
                        return new Prepared(numbered, null, null);
                    });
        }
        // the sender must have room: a lane of its share and a slot of its pace (nothing above has run yet)
        long waitNanos = sender.acquire();
        if (waitNanos < 0) {
            return defer(m, sender, now);
        }
        // the scheduler's timers have millisecond resolution (and refuse less than 1 ms)
        long waitMillis = (waitNanos + 999_999) / 1_000_000;
        Uni<Void> paced = waitMillis >= 1
                ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(waitMillis))
                : Uni.createFrom().voidItem();
        Uni<Outcome> call = prepared.flatMap(p -> paced
                // twilio-java is blocking: the call runs on a sender thread, never on the event loop
                .emitOn(senders)
                .map(ignored -> {
                    sendLatency.record(Duration.between(m.createdAt(), clock.instant()).abs());
                    var outcome = timed(p.request());
                    if (p.fallback() != null && outcome.kind() == Outcome.Kind.PERMANENT) {
                        // Twilio refused the buttons (e.g. the template was deleted on its side): the text goes
                        // out instead, and the next message with these buttons creates a new template
                        Log.warnf("Twilio refused quick-reply content for %s (%s): sending numbered text", m.id(),
                                outcome.errorCode());
                        count("buttons_refused");
                        buttons.forget(p.buttonType(), m.quickReplies()).subscribe().with(
                                x -> { }, e -> Log.warnf("Could not forget a refused template: %s", e.getMessage()));
                        outcome = timed(p.fallback());
                    }
                    return outcome;
                }));
        // the sender's lane is free once Twilio answered (or the call failed), before the outcome is recorded
        return call.onTermination().invoke(sender::release)
                .flatMap(outcome -> record(m, sender, template, outcome));
    }

    /**
     * The recipient's sender already holds its share of the lanes (it is behind: slowed by Twilio's 429s, or given
     * more than its rate): the message goes back to the queue, first in its recipient's line and not counted as an
     * attempt, due when the sender has a free slot, and its lane goes to another recipient's message.
     */
    private Uni<Void> defer(OutboundRecord m, SenderPool.Sender sender, Instant now) {
        sender.count("deferred");
        var wait = sender.untilFree();
        var delay = wait.toMillis() < 1 ? Duration.ofMillis(1) : wait;
        return outbox.markUntried(m.id(), now.plus(delay), now).invoke(() -> wakeAfter(delay));
    }

    /** What the relay sends, and the numbered text to send instead if Twilio refuses its buttons. */
    private record Prepared(TwilioSender.Send request, TwilioSender.Send fallback, TwilioContent.Type buttonType) {
    }

    /** One Twilio request, timed. Blocking. */
    private Outcome timed(TwilioSender.Send request) {
        var started = System.nanoTime();
        try {
            return twilio.send(request);
        } finally {
            twilioRequest.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    private Uni<Void> record(OutboundRecord m, SenderPool.Sender sender, boolean template, Outcome outcome) {
        var now = clock.instant();
        if (outcome.kind() != Outcome.Kind.HELD) {
            sender.count(outcome.kind() == Outcome.Kind.ACCEPTED ? "accepted"
                    : outcome.rateLimited() ? "rate_limited" : "error");
        }
        switch (outcome.kind()) {
            case ACCEPTED -> {
                count("accepted");
                // Twilio has it: recording that must not be left to the lease, whose expiry would send it again.
                // While PostgreSQL is away the record is retried here, for up to a third of the lease (the rest
                // covers the Twilio call itself).
                return accepted.add(new OutboxRepository.Accepted(m.id(), outcome.sid(), template, now))
                        .onFailure().invoke(e -> registry.counter("notification.record.retries").increment())
                        .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(2))
                        .expireIn(config.relay().sendingLease().dividedBy(3).toMillis());
            }
            case HELD -> {
                // the breaker opened after this message was claimed: no request was made, nothing is spent; the
                // message waits first in its recipient's line until the breaker lets sends through again
                count("held");
                holdForBreaker();
                return outbox.markUntried(m.id(), now, now);
            }
            case RETRYABLE -> {
                if (outcome.rateLimited()) {
                    // too fast for this sender (Twilio's or WhatsApp's limit): it pauses and slows down; the other
                    // senders go on at their pace
                    sender.rateLimited(outcome.retryAfter() != null ? outcome.retryAfter()
                            : config.relay().rateLimitedPause());
                }
                // Twilio's Retry-After when it gave one, else our backoff
                var delay = outcome.retryAfter() != null ? outcome.retryAfter() : backoff(m.attempts());
                var next = now.plus(delay);
                var expiresAt = expiresAt(m);
                if (!next.isBefore(expiresAt)) {
                    count("expired");
                    countFailure("expired");
                    Log.infof("Twilio answered %s for %s (attempt %d); its lifetime ends before the next try",
                            outcome.errorCode(), m.id(), m.attempts());
                    return outbox.markFailed(m.id(), "expired", "lifetime (" + lifetime(m.kind()) + " for "
                            + m.kind() + ") ends before the next try; last error " + outcome.errorCode() + ": "
                            + outcome.errorMessage(), true, now);
                }
                count("retry");
                registry.counter("notification.retries").increment();
                Log.infof("Twilio answered %s for %s (attempt %d); retrying at %s", outcome.errorCode(), m.id(),
                        m.attempts(), next);
                return outbox.markRetry(m.id(), next, outcome.errorCode(), outcome.errorMessage(), now)
                        .invoke(() -> wakeAfter(delay));
            }
            case OUTSIDE_WINDOW -> {
                var contentSid = m.templateKey() == null ? null
                        : config.templates().contentSids().get(m.templateKey());
                if (!template && contentSid != null) {
                    count("template_fallback");
                    expect(m.to());
                    // finishing this send wakes the relay, which claims the message again as the template
                    return outbox.markTemplateFallback(m.id(), outcome.errorCode(), now);
                }
                count("outside_window");
                countFailure("outside_window");
                return outbox.markFailed(m.id(), outcome.errorCode(),
                        "outside the 24-hour window and no approved template for this message", true, now);
            }
            default -> {
                count("failed");
                countFailure("rejected");
                Log.infof("Twilio refused %s permanently (%s)", m.id(), outcome.errorCode());
                return outbox.markFailed(m.id(), outcome.errorCode(), outcome.errorMessage(), true, now);
            }
        }
    }

    /** How long a message of this kind is worth sending ({@code app.relay.lifetime.*}); unknown kinds as a reply. */
    Duration lifetime(String kind) {
        var lifetime = config.relay().lifetime();
        return switch (kind == null ? "" : kind) {
            case RoutingKeys.Outbound.NOTIFICATION -> lifetime.notification();
            case RoutingKeys.Outbound.TEMPLATE -> lifetime.template();
            default -> lifetime.reply();
        };
    }

    /** When this message stops being worth sending: its lifetime from when this service stored it. */
    private Instant expiresAt(OutboundRecord m) {
        return m.createdAt().plus(lifetime(m.kind()));
    }

    /** A round when a retry falls due, rather than at the next poll. */
    private void wakeAfter(Duration delay) {
        // the scheduler's timers refuse less than a millisecond (Retry-After: 0)
        var wait = delay.toMillis() < 1 ? Duration.ofMillis(1) : delay;
        Uni.createFrom().voidItem().onItem().delayIt().by(wait).subscribe().with(ignored -> wake());
    }

    /**
     * Exponential backoff with jitter: initial × 2^(attempt-1) up to {@code backoff-max}, spread by ± jitter and
     * never over the maximum (at the cap the spread is below it, so messages that failed together do not keep
     * retrying together). A long outage is retried about every backoff-max until the message's lifetime ends.
     */
    Duration backoff(int attempt) {
        var relay = config.relay();
        double max = relay.backoffMax().toMillis();
        double base = Math.min(relay.backoffInitial().toMillis() * Math.pow(2, Math.max(0, attempt - 1)), max);
        double jitter = relay.backoffJitter();
        double factor = 1 + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter));
        return Duration.ofMillis(Math.max(1, Math.round(Math.min(base * factor, max))));
    }

    /** A message that ended failed, by reason: expired, rejected, outside_window, no_template. */
    private void countFailure(String reason) {
        failures.computeIfAbsent(reason, r -> registry.counter("notification.failed", "reason", r)).increment();
    }

    private void count(String outcome) {
        // looked up once per outcome: a registry lookup builds and sorts its tags on every call
        sends.computeIfAbsent(outcome, o -> registry.counter("notification.sends", "outcome", o)).increment();
    }
}
