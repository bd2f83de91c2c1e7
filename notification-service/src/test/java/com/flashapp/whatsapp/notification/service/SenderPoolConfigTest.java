package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.notification.config.NotificationConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.mockito.Answers;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** How {@code app.relay.senders} is read: a pool of one by default, rates per entry, lanes shared by rate. */
class SenderPoolConfigTest {

    private static SenderPool pool(Optional<List<String>> senders) {
        var config = mock(NotificationConfig.class, Answers.RETURNS_DEEP_STUBS);
        when(config.twilio().from()).thenReturn("whatsapp:+14155238886");
        when(config.relay().ratePerSecond()).thenReturn(70.0);
        when(config.relay().concurrency()).thenReturn(64);
        when(config.relay().rateRecovery()).thenReturn(Duration.ofSeconds(10));
        when(config.relay().sendingLease()).thenReturn(Duration.ofSeconds(60));
        when(config.relay().senders()).thenReturn(senders);
        return new SenderPool(config, new SimpleMeterRegistry());
    }

    @Test
    void withoutSendersThePoolIsTheOneConfiguredSenderWithEveryLane() {
        for (var unset : List.of(Optional.<List<String>>empty(), Optional.of(List.of("")))) {
            var pool = pool(unset);
            assertEquals(1, pool.senders().size());
            var only = pool.senders().get(0);
            assertEquals("whatsapp:+14155238886", only.from());
            assertEquals(70.0, only.rate());
            assertEquals(64, only.share());
            assertEquals(only, pool.forRecipient("whatsapp:+18765550101"));
        }
    }

    @Test
    void eachEntryMayCarryItsOwnRateAndLanesAreSharedByRate() {
        var pool = pool(Optional.of(List.of("whatsapp:+18765550001=20", " whatsapp:+18765550002 ",
                "MG0123456789abcdef0123456789abcdef=70")));
        assertEquals(List.of(20.0, 70.0, 70.0), pool.senders().stream().map(SenderPool.Sender::rate).toList());
        assertEquals(List.of(8, 28, 28), pool.senders().stream().map(SenderPool.Sender::share).toList());
        assertEquals("whatsapp:+18765550002", pool.senders().get(1).from());
        // the slower sender serves fewer recipients: 20 of 160 messages/s
        long onSlow = 0;
        for (int i = 0; i < 4_000; i++) {
            if (pool.forRecipient(String.format("whatsapp:+1876%07d", i)) == pool.senders().get(0)) {
                onSlow++;
            }
        }
        assertTrue(onSlow > 350 && onSlow < 650, "about 500 of 4,000 on the 20/s sender: " + onSlow);
    }

    @Test
    void aMalformedOrRepeatedSenderIsRefused() {
        var bad = assertThrows(IllegalArgumentException.class,
                () -> pool(Optional.of(List.of("whatsapp:+18765550001", "+18765550002"))));
        assertTrue(bad.getMessage().contains("+18765550002"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool(Optional.of(List.of("whatsapp:+18765550001=fast"))));
        assertThrows(IllegalArgumentException.class,
                () -> pool(Optional.of(List.of("whatsapp:+18765550001", "whatsapp:+18765550001=10"))));
    }
}
