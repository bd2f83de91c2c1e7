package com.flashapp.whatsapp.e2e;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Reads what the bot sent, as the Twilio simulator recorded it, and hands each message to the {@link Ledger} in
 * the order Twilio received them: every half second, only what is new since the last read ({@code ?offset=}).
 */
final class ReplyPoller implements AutoCloseable {

    private final Sandbox sandbox;
    private final Ledger ledger;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        var t = new Thread(r, "faults-replies");
        t.setDaemon(true);
        return t;
    });
    private int offset;
    private String lastError;

    ReplyPoller(Sandbox sandbox, Ledger ledger) {
        this.sandbox = sandbox;
        this.ledger = ledger;
    }

    /** Starts reading after everything recorded so far (the set-up's own conversations are not the load's). */
    void start() throws Exception {
        offset = sandbox.get("/sandbox/twilio/messages").size();
        timer.scheduleWithFixedDelay(this::poll, 500, 500, TimeUnit.MILLISECONDS);
    }

    private synchronized void poll() {
        try {
            var fresh = sandbox.get("/sandbox/twilio/messages?offset=" + offset);
            for (var m : fresh) {
                ledger.reply(m.path("to").asText(), m.path("sid").asText(), m.path("body").asText(null));
            }
            offset += fresh.size();
        } catch (Exception | AssertionError e) {
            if (!String.valueOf(e).equals(lastError)) {
                lastError = String.valueOf(e);
                ledger.harnessError("reading the Twilio simulator: " + e);
            }
        }
    }

    /** Reads once more now (at the end, so nothing recorded is left unread). */
    void drain() {
        poll();
    }

    /** The sids of every message the load's users were sent that Twilio could not deliver. */
    Set<String> undelivered() throws Exception {
        var out = new HashSet<String>();
        for (var m : sandbox.get("/sandbox/twilio/messages")) {
            var status = m.path("status").asText();
            if (status.equals("undelivered") || status.equals("failed")) {
                out.add(m.path("sid").asText());
            }
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
