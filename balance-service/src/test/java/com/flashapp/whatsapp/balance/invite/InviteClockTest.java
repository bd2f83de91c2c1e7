package com.flashapp.whatsapp.balance.invite;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The invites' clock: the system's, moved by the test hook's file, which production refuses. */
class InviteClockTest {

    @TempDir
    Path dir;

    @Test
    void withoutAFileOrWithAnEmptyOneItIsTheSystemClock() throws Exception {
        assertNear(Instant.now(), new InviteClock(Optional.empty(), false).now());
        var file = dir.resolve("clock");
        var clock = new InviteClock(Optional.of(file), true);
        assertNear(Instant.now(), clock.now());
        Files.writeString(file, "\n");
        assertNear(Instant.now(), clock.now());
    }

    @Test
    void theFileMovesItForwardAtTheNextTick() throws Exception {
        var file = dir.resolve("clock");
        var clock = new InviteClock(Optional.of(file), true);
        Files.writeString(file, "P8D\n");
        assertNear(Instant.now().plus(Duration.ofDays(8)), clock.now());
        Files.writeString(file, "PT0S");
        assertNear(Instant.now(), clock.now());
    }

    @Test
    void aFileThatIsNoDurationIsAnErrorNotTheSystemClock() throws Exception {
        var file = dir.resolve("clock");
        Files.writeString(file, "8 days");
        var clock = new InviteClock(Optional.of(file), true);
        var error = assertThrows(IllegalStateException.class, clock::now);
        assertTrue(error.getMessage().contains("ISO-8601"), error.getMessage());
    }

    @Test
    void outsideTheDevelopmentProfilesTheHookIsRefused() {
        var error = assertThrows(IllegalStateException.class,
                () -> new InviteClock(Optional.of(dir.resolve("clock")), false));
        assertTrue(error.getMessage().contains("refused"), error.getMessage());
    }

    private static void assertNear(Instant expected, Instant actual) {
        assertTrue(Duration.between(expected, actual).abs().compareTo(Duration.ofMinutes(1)) < 0,
                expected + " vs " + actual);
    }
}
