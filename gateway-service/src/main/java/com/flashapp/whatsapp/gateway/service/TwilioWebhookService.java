package com.flashapp.whatsapp.gateway.service;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.mapping.FormBody;
import com.flashapp.whatsapp.gateway.mapping.InboundMapper;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.repository.WebhookGate;
import com.flashapp.whatsapp.gateway.rest.WebhookProblem;
import com.flashapp.whatsapp.gateway.security.TwilioSignatureVerifier;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Twilio webhooks' rules, in order: size (413) → signature (403) → well-formed input (4xx) → dedup and rate limit (one
 * Redis round trip) → kept (published with publisher confirm, or spooled while the broker cannot take it, see
 * {@link WebhookIntake}) → 200. Only when neither takes it is the answer a 503, and its dedup claim is released so
 * Twilio's retry keeps it.
 */
@ApplicationScoped
public class TwilioWebhookService {

    public static final String MESSAGES = "messages";
    public static final String STATUS = "status";
    public static final String MESSAGES_PATH = "/webhooks/twilio/messages";
    public static final String STATUS_PATH = "/webhooks/twilio/status";

    /** What happened to an accepted (2xx) webhook. */
    public enum Outcome { PUBLISHED, SPOOLED, DUPLICATE, RATE_LIMITED }

    private final TwilioSignatureVerifier verifier;
    private final InboundMapper mapper;
    private final WebhookGate gate;
    private final WebhookIntake intake;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    public TwilioWebhookService(TwilioSignatureVerifier verifier, InboundMapper mapper, WebhookGate gate,
                                WebhookIntake intake, GatewayMetrics metrics, GatewayConfig config) {
        this.verifier = verifier;
        this.mapper = mapper;
        this.gate = gate;
        this.intake = intake;
        this.metrics = metrics;
        this.config = config;
    }

    /** An inbound-message webhook. */
    public Uni<Outcome> onMessage(byte[] body, String contentType, String signature, String rawQuery) {
        try {
            var form = verified(MESSAGES_PATH, body, contentType, signature, rawQuery);
            var message = mapper.toInbound(form, Instant.now());
            if (message.bodyTruncated()) {
                Log.infof("body of %s cut to %d characters", message.messageSid(), config.inbound().maxBodyChars());
            }
            return gate.admitMessage(message.messageSid(), message.envelope().userRef())
                    .onFailure().recoverWithItem(f -> storeUnavailable(MESSAGES, f))
                    .flatMap(admission -> switch (admission) {
                        case ACCEPTED -> publishClaimed(MESSAGES, Exchanges.WHATSAPP_INBOUND, message,
                                () -> gate.messageDone(message.messageSid(), config.twilio().dedupTtl()),
                                () -> gate.releaseMessage(message.messageSid()));
                        case DUPLICATE -> duplicate(MESSAGES);
                        case IN_FLIGHT -> inFlight(MESSAGES);
                        case RATE_LIMITED_NOTIFY -> rateLimited(message, true);
                        case RATE_LIMITED -> rateLimited(message, false);
                        case UNCHECKED -> unchecked(MESSAGES, Exchanges.WHATSAPP_INBOUND, message);
                    });
        } catch (WebhookProblem problem) {
            return Uni.createFrom().failure(problem.at(MESSAGES));
        }
    }

    /** A status-callback webhook. */
    public Uni<Outcome> onStatus(byte[] body, String contentType, String signature, String rawQuery) {
        try {
            var form = verified(STATUS_PATH, body, contentType, signature, rawQuery);
            var status = mapper.toDeliveryStatus(form, Instant.now());
            var key = "status:" + status.messageSid() + ":" + status.status();
            return gate.claim(key)
                    .onFailure().recoverWithItem(f -> storeUnavailable(STATUS, f))
                    .flatMap(admission -> switch (admission) {
                        case ACCEPTED -> publishClaimed(STATUS, Exchanges.WHATSAPP_DELIVERY, status,
                                () -> gate.done(key, config.twilio().dedupTtl()), () -> gate.release(key));
                        case IN_FLIGHT -> inFlight(STATUS);
                        case UNCHECKED -> unchecked(STATUS, Exchanges.WHATSAPP_DELIVERY, status);
                        default -> duplicate(STATUS);
                    });
        } catch (WebhookProblem problem) {
            return Uni.createFrom().failure(problem.at(STATUS));
        }
    }

    /** Size first (nothing is parsed before it), then the signature, then the form's own defects; returns the parameters. */
    private Map<String, String> verified(String path, byte[] body, String contentType, String signature, String rawQuery) {
        if (body.length > config.inbound().maxFormBytes()) {
            // before the form is parsed for the signature: an oversized body costs no parsing and no HMAC
            throw new WebhookProblem(413, "body-too-large", "The request body is too large.");
        }
        var url = verifier.publicUrl(path, rawQuery);
        if (signature == null || signature.isBlank()) {
            throw new WebhookProblem(403, "missing-signature", "X-Twilio-Signature is required.");
        }
        if (!isForm(contentType)) {
            // nothing to parse: only a URL-only signature could match, and then the content type is the problem
            if (!verifier.isValid(url, Map.of(), signature)) {
                throw new WebhookProblem(403, "invalid-signature", "X-Twilio-Signature does not match.");
            }
            throw new WebhookProblem(415, "unsupported-media-type", "Send application/x-www-form-urlencoded.");
        }
        var form = FormBody.parse(body);
        if (!verifier.isValid(url, form.params(), signature)) {
            throw new WebhookProblem(403, "invalid-signature", "X-Twilio-Signature does not match.");
        }
        if (form.defect() != null) {
            throw WebhookProblem.badRequest(form.defect(), FormBody.DUPLICATE.equals(form.defect())
                    ? "A parameter appears more than once." : "The body is not valid percent-encoded UTF-8.");
        }
        return form.params();
    }

    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        var semicolon = contentType.indexOf(';');
        var type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        if (!type.equalsIgnoreCase("application/x-www-form-urlencoded")) {
            return false;
        }
        // Twilio sends UTF-8; another declared charset would change what the bytes mean
        var lower = contentType.toLowerCase();
        var charset = lower.indexOf("charset=");
        return charset < 0 || lower.substring(charset + 8).strip().replace("\"", "").startsWith("utf-8");
    }

    private Uni<Outcome> publishClaimed(String endpoint, String exchange, ContractMessage message,
                                        Supplier<Uni<Void>> done, Supplier<Uni<Void>> release) {
        return intake.keepClaimed(endpoint, exchange, message, done, release)
                .map(destination -> destination == WebhookIntake.Destination.BROKER ? Outcome.PUBLISHED : Outcome.SPOOLED);
    }

    /** Redis unreachable or overloaded: neither dedup nor the rate limit can be checked. */
    static WebhookGate.Admission storeUnavailable(String endpoint, Throwable failure) {
        Log.warnf("dedup/rate-limit store failed on %s: %s", endpoint, failure.getClass().getSimpleName());
        return WebhookGate.Admission.UNCHECKED;
    }

    private Uni<Outcome> unchecked(String endpoint, String exchange, ContractMessage message) {
        return intake.keepUnchecked(endpoint, exchange, message).replaceWith(Outcome.PUBLISHED);
    }

    private Uni<Outcome> duplicate(String endpoint) {
        metrics.deduplicated(endpoint);
        return Uni.createFrom().item(Outcome.DUPLICATE);
    }

    private Uni<Outcome> inFlight(String endpoint) {
        metrics.deduplicated(endpoint);
        return Uni.createFrom().failure(new WebhookProblem(503, "in-flight",
                "This message is being queued by another request; please retry.").at(endpoint));
    }

    private Uni<Outcome> rateLimited(InboundMessage message, boolean notify) {
        metrics.rateLimited(MESSAGES);
        if (!notify) {
            return Uni.createFrom().item(Outcome.RATE_LIMITED);
        }
        var reply = new OutboundMessage(message.envelope().follow(RoutingKeys.Outbound.REPLY), message.from(),
                config.rateLimit().noticeText(), List.of(), List.of(), null, null, message.receivedAt());
        return intake.keep(Exchanges.WHATSAPP_OUTBOUND, reply)
                .onFailure().invoke(f -> Log.warnf("slow-down reply for %s not queued: %s",
                        message.envelope().userRef(), f.getClass().getSimpleName()))
                .onFailure().recoverWithNull()
                .replaceWith(Outcome.RATE_LIMITED);
    }
}
