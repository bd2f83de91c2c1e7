package com.flashapp.whatsapp.contracts;

/** AMQP headers every published message carries besides its JSON body. */
public final class WireHeaders {

    /**
     * Whose message it is: the envelope's {@code userRef} (a keyed hash, never a number), or the message id when it
     * has none. A sharded queue hashes it, so one user's messages always reach the same shard and stay in order
     * however many replicas consume.
     */
    public static final String USER = "flash-user";

    private WireHeaders() {
    }
}
