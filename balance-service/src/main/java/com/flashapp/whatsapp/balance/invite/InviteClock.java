package com.flashapp.whatsapp.balance.invite;

import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.messaging.ProductionSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The invites' clock: the system clock, unless {@code wallet.invites.clock-file} (a test hook) moves it forward by
 * the duration the file holds, read at every tick, so an end-to-end test can let a week pass for the packaged app.
 * Outside the dev, test and local profiles the hook is refused at start-up.
 */
@ApplicationScoped
public class InviteClock {

    private final Optional<Path> file;

    @Inject
    public InviteClock(WalletConfig config) {
        this(config.invites().clockFile(), ProductionSecrets.developmentProfile());
    }

    InviteClock(Optional<Path> file, boolean developmentProfile) {
        if (file.isPresent() && !developmentProfile) {
            throw new IllegalStateException("wallet.invites.clock-file is a test hook: it is refused outside the dev, "
                    + "test and local profiles");
        }
        this.file = file;
    }

    /** Now, as invites see it. */
    public Instant now() {
        return Instant.now().plus(offset());
    }

    private Duration offset() {
        if (file.isEmpty()) {
            return Duration.ZERO;
        }
        String text;
        try {
            text = Files.readString(file.get(), StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException e) {
            return Duration.ZERO;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the invites' clock file " + file.get(), e);
        }
        if (text.isEmpty()) {
            return Duration.ZERO;
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("The invites' clock file " + file.get() + " must hold an ISO-8601 "
                    + "duration such as P8D, not \"" + text + "\"", e);
        }
    }
}
