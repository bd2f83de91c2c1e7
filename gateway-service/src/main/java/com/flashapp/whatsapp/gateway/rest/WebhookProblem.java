package com.flashapp.whatsapp.gateway.rest;

/**
 * A request the gateway refuses, with the HTTP status, a short machine reason (used as the metric tag and the
 * problem type) and a detail safe to show the caller (never a message body, token or number).
 */
public class WebhookProblem extends RuntimeException {

    private final int status;
    private final String reason;
    private final String endpoint;

    public WebhookProblem(int status, String reason, String detail) {
        this(status, reason, detail, null);
    }

    private WebhookProblem(int status, String reason, String detail, String endpoint) {
        super(detail, null, false, false); // no stack trace: this is an answer, not a bug
        this.status = status;
        this.reason = reason;
        this.endpoint = endpoint;
    }

    public static WebhookProblem badRequest(String reason, String detail) {
        return new WebhookProblem(400, reason, detail);
    }

    /** The same problem, tagged with the endpoint that refused it (for metrics). */
    public WebhookProblem at(String endpointName) {
        return new WebhookProblem(status, reason, getMessage(), endpointName);
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public String endpoint() {
        return endpoint;
    }
}
