package com.flashapp.whatsapp.messaging;

import io.smallrye.mutiny.Uni;

import java.util.UUID;

/** The idempotency inbox: which message ids each consumer has already handled. */
public interface Inbox {

    /** Whether {@code consumer} has already handled this message id. */
    Uni<Boolean> seen(UUID messageId, String consumer);

    /**
     * Records that {@code consumer} handled this message id. Called after handling succeeded, so a failed attempt is
     * handled again; for the rare crash between handling and recording, handlers stay idempotent (and what they
     * publish carries the same message ids again, see {@code Causation}).
     */
    Uni<Void> record(UUID messageId, String consumer);
}
