package com.flashapp.whatsapp.sandbox.twilio;

import java.time.Instant;
import java.util.List;

/** A message the bot sent through the simulated Messages API (or a TwiML reply); status moves on with callbacks. */
public final class SentMessage {
    final String sid;
    final String from;
    final String to;
    final String body;
    final List<String> mediaUrl;
    final String contentSid;
    final String contentVariables;
    final String statusCallback;
    final Instant dateCreated;
    final long sequence;
    volatile String status = "queued";
    volatile Integer errorCode;
    volatile Instant dateUpdated;

    SentMessage(String sid, String from, String to, String body, List<String> mediaUrl, String contentSid,
                String contentVariables, String statusCallback, Instant dateCreated, long sequence) {
        this.sid = sid;
        this.from = from;
        this.to = to;
        this.body = body;
        this.mediaUrl = mediaUrl;
        this.contentSid = contentSid;
        this.contentVariables = contentVariables;
        this.statusCallback = statusCallback;
        this.dateCreated = dateCreated;
        this.dateUpdated = dateCreated;
        this.sequence = sequence;
    }
}
