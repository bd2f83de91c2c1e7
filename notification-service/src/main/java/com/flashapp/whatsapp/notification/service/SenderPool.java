package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.config.NotificationConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The senders outbound messages leave from ({@code app.relay.senders}; a pool of one, {@code app.twilio.from}, when
 * unset), each paced at its own rate, and which one serves each recipient.
 * <p>
 * A recipient is kept on one sender by weighted rendezvous hashing of their number: every sender scores the number
 * ({@code rate / -ln(hash(sender, number))}) and the highest score wins. Nothing is stored, so every relay replica
 * makes the same choice without asking anyone; recipients spread over the senders in proportion to their rates; and
 * when the pool changes only the recipients of a sender that went (or a share of everyone, towards a sender that
 * came) move. With one message in flight per recipient and one sender per recipient, Twilio's queue for that sender
 * keeps a user's messages in order.
 * <p>
 * Each sender holds at most its share of the relay's lanes ({@code concurrency × its rate / the pool's rate}):
 * a sender that is behind (slowed by Twilio's 429s, or given more than its rate) cannot fill every lane with
 * messages waiting for its pace while the other senders sit idle; the relay puts such a message back in the queue
 * until the sender has room.
 */
@Startup // a malformed pool stops start-up, rather than every send
@ApplicationScoped
public class SenderPool {

    private static final Pattern WHATSAPP_SENDER = Pattern.compile("^whatsapp:\\+[1-9][0-9]{6,14}$");
    private static final Pattern MESSAGING_SERVICE = Pattern.compile("^MG[0-9a-fA-F]{32}$");

    private final List<Sender> senders;

    public SenderPool(NotificationConfig config, MeterRegistry registry) {
        var relay = config.relay();
        var entries = relay.senders().filter(list -> !list.stream().allMatch(String::isBlank))
                .orElse(List.of(config.twilio().from()));
        var parsed = new ArrayList<Entry>();
        var seen = new HashSet<String>();
        for (var raw : entries) {
            if (raw.isBlank()) {
                continue;
            }
            var entry = Entry.parse(raw.trim(), relay.ratePerSecond(), relay.senders().isPresent());
            if (!seen.add(entry.from())) {
                throw new IllegalArgumentException("app.relay.senders names " + entry.from() + " twice");
            }
            parsed.add(entry);
        }
        double total = parsed.stream().mapToDouble(e -> Math.max(e.rate(), 0)).sum();
        int lanes = relay.concurrency();
        var built = new ArrayList<Sender>();
        for (var e : parsed) {
            // a pool of one (or of unpaced senders) may use every lane, as the relay always did
            int share = parsed.size() == 1 || total <= 0 ? lanes
                    : Math.max(1, (int) Math.round(lanes * Math.max(e.rate(), 0) / total));
            built.add(new Sender(e.from(), e.rate(), share, relay.rateRecovery(), maxPaceWait(relay.sendingLease()),
                    registry));
        }
        this.senders = List.copyOf(built);
        if (senders.size() > 1) {
            Log.infof("Sender pool: %d senders, %.0f messages/s together", senders.size(), total);
        }
    }

    /**
     * The longest a send may wait for its sender's pace in the relay: a quarter of the sending lease (at most 5 s),
     * so a message waiting for a slot is never taken for one whose relay died and sent again. A sender slowed by
     * 429s whose next slot is further away has its messages wait in the queue instead, untried.
     */
    static long maxPaceWait(Duration sendingLease) {
        return Math.min(sendingLease.toNanos() / 4, Duration.ofSeconds(5).toNanos());
    }

    /**
     * {@code replicas} relays send from this pool (see {@link RelayReplicas}): each sender's pace here becomes its
     * rate divided by them, so together they keep to it.
     */
    public void share(int replicas) {
        var now = System.nanoTime();
        senders.forEach(s -> s.limiter.share(replicas, now));
    }

    /** The pool's senders, in configured order. */
    public List<Sender> senders() {
        return senders;
    }

    /**
     * The sender for this recipient: the pool's sender they last wrote to ({@code wroteTo}, WhatsApp's 24-hour window
     * being per business number, and their chat being with that number), else {@link #forRecipient(String)}.
     */
    public Sender forRecipient(String to, String wroteTo) {
        if (wroteTo != null) {
            for (var s : senders) {
                if (s.from.equals(wroteTo)) {
                    return s;
                }
            }
        }
        return forRecipient(to);
    }

    /** The sender that serves this recipient (always the same one while the pool is unchanged). */
    public Sender forRecipient(String to) {
        if (senders.size() == 1) {
            return senders.get(0);
        }
        long recipient = fnv(to);
        Sender best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (var s : senders) {
            // a uniform number in (0, 1) from the sender and the recipient together
            double u = ((mix(s.seed ^ recipient) >>> 11) + 0.5) * 0x1.0p-53;
            double score = Math.max(s.rate, Double.MIN_VALUE) / -Math.log(u);
            if (score > bestScore) {
                bestScore = score;
                best = s;
            }
        }
        return best;
    }

    /** FNV-1a, 64 bits, of the UTF-8 bytes: the same on every JVM (unlike an identity hash). */
    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads close inputs over all 64 bits. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** One configured entry: {@code from[=rate]}. */
    private record Entry(String from, double rate) {
        static Entry parse(String raw, double defaultRate, boolean validate) {
            int eq = raw.lastIndexOf('=');
            var from = (eq < 0 ? raw : raw.substring(0, eq)).trim();
            double rate = defaultRate;
            if (eq >= 0) {
                try {
                    rate = Double.parseDouble(raw.substring(eq + 1).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("app.relay.senders: '" + raw
                            + "' is not <sender>=<messages per second>");
                }
            }
            if (validate && !WHATSAPP_SENDER.matcher(from).matches() && !MESSAGING_SERVICE.matcher(from).matches()) {
                throw new IllegalArgumentException("app.relay.senders: '" + from
                        + "' is neither a WhatsApp sender (whatsapp:+E164) nor a Messaging Service SID (MG…)");
            }
            return new Entry(from, rate);
        }
    }

    /** One sender: its address (or Messaging Service SID), its pace, the lanes it may hold, its counters. */
    public static final class Sender {
        private final String from;
        private final double rate;
        private final int share;
        private final long seed;
        private final SendRateLimiter limiter;
        private final long maxWaitNanos;
        private final AtomicInteger busy = new AtomicInteger();
        private final MeterRegistry registry;
        private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

        Sender(String from, double rate, int share, Duration recovery, long maxWaitNanos, MeterRegistry registry) {
            this.maxWaitNanos = maxWaitNanos;
            this.from = from;
            this.rate = rate;
            this.share = share;
            this.seed = fnv(from);
            this.limiter = new SendRateLimiter(rate, recovery.toNanos());
            this.registry = registry;
            Gauge.builder("notification.sender.rate", this, s -> s.limiter.ratePerSecond(System.nanoTime()))
                    .description("Messages per second this sender is paced at now (lower after Twilio's 429s)")
                    .tag("sender", from).register(registry);
            Gauge.builder("notification.sender.busy", busy, AtomicInteger::get)
                    .description("Relay lanes this sender holds (paced, or at Twilio)")
                    .tag("sender", from).register(registry);
        }

        /** {@code whatsapp:+…}, or a Messaging Service SID ({@code MG…}). */
        public String from() {
            return from;
        }

        /** Its configured messages per second. */
        public double rate() {
            return rate;
        }

        /** Most relay lanes it may hold at once. */
        public int share() {
            return share;
        }

        /**
         * Takes a lane of this sender's share and a slot of its pace: the nanoseconds to wait before sending, or
         * -1 (nothing taken) when it already holds its share: the message should wait in the queue instead.
         */
        long acquire() {
            if (busy.incrementAndGet() > share) {
                busy.decrementAndGet();
                return -1;
            }
            long wait = limiter.reserveWithin(System.nanoTime(), maxWaitNanos);
            if (wait < 0) {
                busy.decrementAndGet();
            }
            return wait;
        }

        /** Gives back the lane {@link #acquire} took (the request is over). */
        void release() {
            busy.decrementAndGet();
        }

        /** How long until this sender has a free slot of its pace (how long a refused message should wait). */
        Duration untilFree() {
            return Duration.ofNanos(limiter.untilFree(System.nanoTime()));
        }

        /** Twilio answered 429 for this sender: pause it and halve its pace for a while. */
        void rateLimited(Duration pause) {
            limiter.slowDown(System.nanoTime(), pause.toNanos());
        }

        /** Counts what one message came to on this sender: accepted, rate_limited, deferred, error. */
        void count(String outcome) {
            outcomes.computeIfAbsent(outcome, o -> registry.counter("notification.sender.sends", "sender", from,
                    "outcome", o)).increment();
        }

        @Override
        public String toString() {
            return from;
        }
    }
}
