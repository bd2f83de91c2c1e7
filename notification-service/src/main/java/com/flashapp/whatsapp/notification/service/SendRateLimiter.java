package com.flashapp.whatsapp.notification.service;

/**
 * Paces sends for one WhatsApp sender: each send reserves the next free slot and waits (without blocking a
 * thread) until it. Keeps the relay under the sender's messages-per-second limit, retries included.
 */
final class SendRateLimiter {

    private final long intervalNanos;
    private long nextFreeNanos;

    SendRateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
    }

    /** How long the caller must wait before sending, in nanoseconds. */
    synchronized long reserve() {
        long now = System.nanoTime();
        long slot = Math.max(now, nextFreeNanos);
        nextFreeNanos = slot + intervalNanos;
        return slot - now;
    }
}
