package com.flashapp.whatsapp.notification.service;

/**
 * Paces sends for one sender: each send reserves the next free slot and waits (without blocking a thread) until it.
 * Keeps the relay under the sender's messages-per-second limit, retries included. When Twilio still answers 429 for
 * the sender, {@link #slowDown} halves its pace (at most once per pause, down to one message a second) and holds it
 * for a pause; each {@code recovery} period without another 429 doubles the pace back, up to the configured rate.
 * Times are {@link System#nanoTime()} values, passed in so the arithmetic can be tested without waiting.
 */
final class SendRateLimiter {

    private static final long SECOND = 1_000_000_000L;

    private final long configuredIntervalNanos;
    /** The configured interval times the relay replicas sharing the sender ({@link #share}). */
    private long baseIntervalNanos;
    private final long recoveryNanos;
    private long intervalNanos;
    private long nextFreeNanos;
    /** When the pace was last halved or doubled back (meaningful only while slower than configured). */
    private long changedAtNanos;

    SendRateLimiter(double perSecond, long recoveryNanos) {
        this.configuredIntervalNanos = perSecond <= 0 ? 0 : (long) (SECOND / perSecond);
        this.baseIntervalNanos = configuredIntervalNanos;
        this.intervalNanos = baseIntervalNanos;
        this.recoveryNanos = Math.max(1, recoveryNanos);
    }

    /** How long the caller must wait before sending, in nanoseconds; the slot is theirs. */
    synchronized long reserve(long now) {
        recover(now);
        long slot = Math.max(now, nextFreeNanos);
        nextFreeNanos = slot + intervalNanos;
        return slot - now;
    }

    /**
     * {@link #reserve} only when the slot is at most {@code maxWaitNanos} away; else -1 and nothing is taken. A send
     * must not wait in the relay longer than its sending lease, or the lease would queue it again while it waits.
     */
    synchronized long reserveWithin(long now, long maxWaitNanos) {
        recover(now);
        long slot = Math.max(now, nextFreeNanos);
        if (slot - now > maxWaitNanos) {
            return -1;
        }
        nextFreeNanos = slot + intervalNanos;
        return slot - now;
    }

    /** How long until the next free slot, without taking it. */
    synchronized long untilFree(long now) {
        return Math.max(0, nextFreeNanos - now);
    }

    /**
     * Twilio refused a send for this sender's rate: nothing more leaves before {@code now + pauseNanos}, and the
     * pace is halved, once per pause however many sends in flight come back with a 429 (they were paced at the old
     * rate).
     */
    synchronized void slowDown(long now, long pauseNanos) {
        recover(now);
        if (baseIntervalNanos > 0 && (intervalNanos == baseIntervalNanos || now - changedAtNanos >= pauseNanos)) {
            intervalNanos = Math.min(Math.max(intervalNanos * 2, 1), Math.max(SECOND, baseIntervalNanos));
            changedAtNanos = now;
        }
        nextFreeNanos = Math.max(nextFreeNanos, now + pauseNanos);
    }

    /**
     * {@code replicas} relays pace this sender: this one takes its share, the configured rate divided by them. A
     * slow-down in force stays in force (the pace is still that many times slower than this share).
     */
    synchronized void share(int replicas, long now) {
        recover(now);
        long base = configuredIntervalNanos * Math.max(1, replicas);
        if (configuredIntervalNanos == 0 || base == baseIntervalNanos) {
            return;
        }
        double slower = (double) intervalNanos / baseIntervalNanos;
        baseIntervalNanos = base;
        intervalNanos = Math.max(base, Math.min((long) (base * slower), Math.max(SECOND, base)));
    }

    /** The messages per second this sender is paced at now (0: unpaced). */
    synchronized double ratePerSecond(long now) {
        recover(now);
        return intervalNanos == 0 ? 0 : (double) SECOND / intervalNanos;
    }

    private void recover(long now) {
        while (intervalNanos > baseIntervalNanos && now - changedAtNanos >= recoveryNanos) {
            intervalNanos = Math.max(baseIntervalNanos, intervalNanos / 2);
            changedAtNanos += recoveryNanos;
        }
    }
}
