package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.OutboundRecord;
import com.flashapp.whatsapp.notification.client.TwilioSender;
import com.flashapp.whatsapp.notification.client.TwilioSender.Outcome;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outbox relay: claims stored messages (queued → sending), chooses free-form or the approved template
 * (the 24-hour window), paces them under the sender's rate, sends each through Twilio on a worker thread and
 * records the outcome (sent, retry with exponential backoff and jitter, template fallback, failed). It runs when
 * woken after a store and on a short poll (retries falling due, other replicas' work); a message a dead relay
 * left in sending goes back to the queue when its lease runs out.
 */
@ApplicationScoped
public class OutboxRelay {

    private final OutboxRepository outbox;
    private final TwilioSender twilio;
    private final NotificationConfig config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final SendRateLimiter limiter;
    private final ExecutorService senders;
    private final AcceptedBatcher accepted;
    /** A claim query is running (one at a time: the wakes that arrive meanwhile are folded into {@link #again}). */
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** Messages claimed and not yet recorded: the relay claims only while this is under the concurrency. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean delayedWake = new AtomicBoolean();
    private final int claimThreshold;
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();
    private volatile boolean paused;

    public OutboxRelay(OutboxRepository outbox, TwilioSender twilio, NotificationConfig config, Clock clock,
                       MeterRegistry registry) {
        this.outbox = outbox;
        this.twilio = twilio;
        this.config = config;
        this.clock = clock;
        this.registry = registry;
        this.limiter = new SendRateLimiter(config.relay().ratePerSecond());
        // twilio-java blocks a thread per request: a pool of exactly as many threads as sends may be in flight,
        // so sends never queue behind other blocking work on the shared worker pool (nor starve it)
        this.senders = Executors.newFixedThreadPool(config.relay().concurrency(), new ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
                var t = new Thread(r, "twilio-send-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            }
        });
        this.accepted = new AcceptedBatcher(outbox, config.relay().batchSize());
        this.claimThreshold = Math.max(1, Math.min(config.relay().claimThreshold(), config.relay().concurrency()));
        this.paused = !config.relay().enabled();
        registry.gauge("notification.outbox.depth", depth);
        registry.gauge("notification.outbox.oldest.age.seconds", oldestAgeSeconds);
    }

    @Scheduled(every = "${app.relay.poll-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wake();
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

    @Scheduled(every = "${app.relay.metrics-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshGauges() {
        return outbox.backlog().invoke(b -> {
            depth.set(b.depth());
            oldestAgeSeconds.set(b.oldest() == null ? 0
                    : Math.max(0, Duration.between(b.oldest(), clock.instant()).toSeconds()));
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
     * Claims as many due messages as there is room for (concurrency minus what is in flight, at most a batch)
     * and starts sending each at once; every finished send makes room and wakes the relay again, so recipients
     * are served in parallel lanes (one message in flight per recipient, enforced by the claim) without waiting
     * for a whole batch. Wakes while a claim runs are folded into one follow-up claim.
     */
    public void wake() {
        if (paused) {
            return;
        }
        again.set(true);
        if (!claiming.compareAndSet(false, true)) {
            return;
        }
        again.set(false);
        int room = Math.min(config.relay().batchSize(), config.relay().concurrency() - inFlight.get());
        if (room <= 0) {
            claiming.set(false);
            // a send finishing after the read above wakes us again; one that finished before it set again
            if (again.get()) {
                wake();
            }
            return;
        }
        outbox.claim(clock.instant(), room).subscribe().with(batch -> {
            batch.forEach(this::start);
            claiming.set(false);
            if (batch.size() == room || again.get()) {
                wake();
            }
        }, failure -> {
            claiming.set(false);
            Log.warnf("Relay claim failed (the next poll retries): %s", failure.toString());
        });
    }

    private void start(OutboundRecord m) {
        inFlight.incrementAndGet();
        send(m).onFailure().recoverWithUni(e -> {
            Log.warnf("Recording the send of %s failed; its lease will requeue it: %s", m.id(), e.toString());
            return Uni.createFrom().voidItem();
        }).subscribe().with(ignored -> finished(), failure -> finished());
    }

    /**
     * A send was recorded, so its recipient's next message may be claimed. Under load, claiming for every single
     * finished send would run the claim query once per message; instead the relay claims at once when enough lanes
     * are free ({@code claim-threshold}) and otherwise within {@code claim-delay}, one query for all of them. New
     * messages still wake it at once when stored.
     */
    private void finished() {
        int free = config.relay().concurrency() - inFlight.decrementAndGet();
        if (free >= claimThreshold || config.relay().claimDelay().isZero()) {
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
        var contentSid = m.templateKey() == null ? null : config.templates().contentSids().get(m.templateKey());
        boolean windowClosed = m.windowOpenedAt() != null
                && m.windowOpenedAt().plus(config.window().duration()).isBefore(now);
        boolean template = "template".equals(m.kind()) || m.useTemplate() || (windowClosed && contentSid != null);
        if (template && contentSid == null) {
            count("failed");
            return outbox.markFailed(m.id(), "no_template",
                    "no approved template configured for '" + m.templateKey() + "'", now);
        }
        if (!template && windowClosed) {
            count("outside_window");
            return outbox.markFailed(m.id(), String.valueOf(TwilioSender.OUTSIDE_WINDOW),
                    "outside the 24-hour window and no approved template for this message", now);
        }
        var request = template
                ? new TwilioSender.Send(m.to(), null, List.of(), contentSid, m.templateVariables())
                : new TwilioSender.Send(m.to(), m.body(), m.mediaUrls(), null, null);
        // the scheduler's timers have millisecond resolution (and refuse less than 1 ms)
        long waitMillis = (limiter.reserve() + 999_999) / 1_000_000;
        Uni<Void> paced = waitMillis >= 1
                ? Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(waitMillis))
                : Uni.createFrom().voidItem();
        return paced
                // twilio-java is blocking: the call runs on a sender thread, never on the event loop
                .emitOn(senders)
                .map(ignored -> {
                    registry.timer("notification.send.latency").record(
                            Duration.between(m.createdAt(), clock.instant()).abs());
                    var started = System.nanoTime();
                    try {
                        return twilio.send(request);
                    } finally {
                        registry.timer("notification.twilio.request").record(Duration.ofNanos(System.nanoTime()
                                - started));
                    }
                })
                .flatMap(outcome -> record(m, template, outcome));
    }

    private Uni<Void> record(OutboundRecord m, boolean template, Outcome outcome) {
        var now = clock.instant();
        switch (outcome.kind()) {
            case ACCEPTED -> {
                count("accepted");
                return accepted.add(new OutboxRepository.Accepted(m.id(), outcome.sid(), template, now));
            }
            case RETRYABLE -> {
                if (m.attempts() >= config.relay().maxAttempts()) {
                    count("failed");
                    return outbox.markFailed(m.id(), outcome.errorCode(),
                            "gave up after " + m.attempts() + " attempts: " + outcome.errorMessage(), now);
                }
                count("retry");
                registry.counter("notification.retries").increment();
                var delay = backoff(m.attempts());
                var next = now.plus(delay);
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
                    // finishing this send wakes the relay, which claims the message again as the template
                    return outbox.markTemplateFallback(m.id(), outcome.errorCode(), now);
                }
                count("outside_window");
                return outbox.markFailed(m.id(), outcome.errorCode(),
                        "outside the 24-hour window and no approved template for this message", now);
            }
            default -> {
                count("failed");
                Log.infof("Twilio refused %s permanently (%s)", m.id(), outcome.errorCode());
                return outbox.markFailed(m.id(), outcome.errorCode(), outcome.errorMessage(), now);
            }
        }
    }

    /** A round when a retry falls due, rather than at the next poll. */
    private void wakeAfter(Duration delay) {
        Uni.createFrom().voidItem().onItem().delayIt().by(delay).subscribe().with(ignored -> wake());
    }

    /** Exponential backoff with jitter: initial × 2^(attempt-1), capped, spread by ± jitter. */
    Duration backoff(int attempt) {
        var relay = config.relay();
        double base = relay.backoffInitial().toMillis() * Math.pow(2, Math.max(0, attempt - 1));
        double capped = Math.min(base, relay.backoffMax().toMillis());
        double jitter = relay.backoffJitter();
        double factor = 1 + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextDouble(-jitter, jitter));
        return Duration.ofMillis(Math.max(1, Math.round(capped * factor)));
    }

    private void count(String outcome) {
        registry.counter("notification.sends", "outcome", outcome).increment();
    }
}
