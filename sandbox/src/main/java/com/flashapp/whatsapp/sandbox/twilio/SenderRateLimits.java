package com.flashapp.whatsapp.sandbox.twilio;

import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each sender's throughput limit: a token bucket per {@code From} ({@code sandbox.twilio.sender-rate-per-second},
 * {@code sender-burst}), so a product that sends faster than a sender allows gets Twilio's 429 for that sender
 * only. Off (no limit) unless a rate is configured or set through the control API.
 */
@ApplicationScoped
public class SenderRateLimits {

    /** The limit in force: messages per second per sender (0 = none) and the bucket's size. */
    public record Limit(double perSecond, int burst) {
        public Limit {
            if (perSecond < 0 || Double.isNaN(perSecond) || Double.isInfinite(perSecond)) {
                throw new IllegalArgumentException("perSecond must be 0 (no limit) or more");
            }
            if (perSecond > 0 && burst < 1) {
                throw new IllegalArgumentException("burst must be 1 or more");
            }
        }

        static Limit of(double perSecond, Optional<Integer> burst) {
            return new Limit(perSecond, burst.orElse((int) Math.max(1, Math.ceil(perSecond))));
        }
    }

    private final Limit configured;
    private volatile Limit limit;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public SenderRateLimits(SandboxConfig config) {
        this.configured = Limit.of(config.twilio().senderRatePerSecond(), config.twilio().senderBurst());
        this.limit = configured;
    }

    public Limit current() {
        return limit;
    }

    /** Sets the limit for every sender (their buckets start full). */
    public Limit set(double perSecond, Integer burst) {
        limit = Limit.of(perSecond, Optional.ofNullable(burst));
        buckets.clear();
        return limit;
    }

    /** Back to the configured limit. */
    public Limit reset() {
        limit = configured;
        buckets.clear();
        return limit;
    }

    /** Takes a send from the sender's bucket: empty when allowed, else how long until one would be. */
    public Optional<Duration> take(String sender) {
        var l = limit;
        if (l.perSecond() <= 0) {
            return Optional.empty();
        }
        return buckets.computeIfAbsent(sender, s -> new Bucket(l.burst())).take(l, System.nanoTime());
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(int burst) {
            this.tokens = burst;
            this.refilledAt = System.nanoTime();
        }

        synchronized Optional<Duration> take(Limit l, long now) {
            tokens = Math.min(l.burst(), tokens + (now - refilledAt) / 1e9 * l.perSecond());
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - tokens) / l.perSecond() * 1e9)));
        }
    }
}
