package com.flashapp.whatsapp.notification.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One sender's pace: even slots, a pause and a halved rate after Twilio's 429, and the way back. */
class SendRateLimiterTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    @Test
    void sendsAreSpacedAtTheRate() {
        var limiter = new SendRateLimiter(10, 10 * SECOND);
        assertEquals(0, limiter.reserve(0));
        assertEquals(100 * MS, limiter.reserve(0));
        assertEquals(200 * MS, limiter.reserve(0));
        assertEquals(300 * MS, limiter.untilFree(0));
        assertEquals(0, limiter.reserve(SECOND), "a slot in the past is not owed");
    }

    @Test
    void aSlotFurtherThanTheLongestWaitIsNotTakenSoASlowedSenderCannotHoldASendPastItsLease() {
        var limiter = new SendRateLimiter(1, 10 * SECOND);
        limiter.slowDown(0, 30 * SECOND); // Twilio's Retry-After: 30 s
        assertEquals(-1, limiter.reserveWithin(0, 5 * SECOND), "30 s away: the message waits in the queue");
        assertEquals(30 * SECOND, limiter.untilFree(0), "and nothing was taken");
        assertEquals(4 * SECOND, limiter.reserveWithin(26 * SECOND, 5 * SECOND));
        assertEquals(30 * SECOND + SECOND, limiter.untilFree(0), "the slot is taken (never slower than one a second)");
        assertEquals(20 * SECOND / 4, SenderPool.maxPaceWait(java.time.Duration.ofSeconds(20)));
        assertEquals(5 * SECOND, SenderPool.maxPaceWait(java.time.Duration.ofSeconds(60)), "at most 5 s");
    }

    @Test
    void a429PausesTheSenderAndHalvesItsRateOncePerPauseThenItRecovers() {
        var limiter = new SendRateLimiter(10, 10 * SECOND);
        limiter.reserve(0);
        limiter.slowDown(0, SECOND);
        assertEquals(SECOND, limiter.reserve(0), "nothing before the pause is over");
        assertEquals(5.0, limiter.ratePerSecond(0));
        // the other sends in flight come back with 429 too: one halving for them all
        limiter.slowDown(10 * MS, SECOND);
        assertEquals(5.0, limiter.ratePerSecond(10 * MS));
        assertEquals(SECOND + 200 * MS - 10 * MS, limiter.reserve(10 * MS), "the next slot at the halved pace");
        // a 429 after the pause halves again, down to one a second at the slowest
        limiter.slowDown(2 * SECOND, SECOND);
        assertEquals(2.5, limiter.ratePerSecond(2 * SECOND));
        for (int i = 3; i < 10; i++) {
            limiter.slowDown(i * SECOND, SECOND);
        }
        assertEquals(1.0, limiter.ratePerSecond(9 * SECOND));
        // each recovery period without a 429 doubles the pace back, up to the configured rate
        assertEquals(2.0, limiter.ratePerSecond(19 * SECOND));
        assertEquals(8.0, limiter.ratePerSecond(39 * SECOND));
        assertEquals(10.0, limiter.ratePerSecond(49 * SECOND));
        assertEquals(10.0, limiter.ratePerSecond(500 * SECOND));
    }

    @Test
    void replicasSharingTheSenderEachTakeTheirPartOfItsRateAndASlowDownStaysInForce() {
        var limiter = new SendRateLimiter(10, 10 * SECOND);
        limiter.share(2, 0);
        assertEquals(5.0, limiter.ratePerSecond(0), "two replicas: half each");
        assertEquals(0, limiter.reserve(0));
        assertEquals(200 * MS, limiter.reserve(0));
        limiter.slowDown(SECOND, SECOND);
        assertEquals(2.5, limiter.ratePerSecond(SECOND));
        limiter.share(1, SECOND);
        assertEquals(5.0, limiter.ratePerSecond(SECOND), "alone again: twice the pace, still halved by the 429");
        assertEquals(10.0, limiter.ratePerSecond(11 * SECOND), "and the slow-down wears off as before");
        limiter.share(4, 11 * SECOND);
        assertEquals(2.5, limiter.ratePerSecond(11 * SECOND));
        limiter.share(0, 11 * SECOND);
        assertEquals(10.0, limiter.ratePerSecond(11 * SECOND), "never more than the configured rate");
        var unpaced = new SendRateLimiter(0, SECOND);
        unpaced.share(3, 0);
        assertEquals(0.0, unpaced.ratePerSecond(0), "an unpaced sender stays unpaced");
    }
}
