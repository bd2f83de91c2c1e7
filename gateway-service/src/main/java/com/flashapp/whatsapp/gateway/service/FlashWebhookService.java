package com.flashapp.whatsapp.gateway.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.mapping.InboundMapper;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.repository.WebhookGate;
import com.flashapp.whatsapp.gateway.rest.WebhookProblem;
import com.flashapp.whatsapp.gateway.security.SvixVerifier;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Flash account callbacks ({@code receive.lightning}, {@code receive.intraledger}), sent through Svix: verified,
 * then published as {@code flash.events} {@code payment.received} once per transaction id. Flash's payload
 * carries {@code accountId}, {@code eventType}, {@code txid} (and {@code paymentHash}); {@code walletId},
 * {@code walletCurrency} and {@code amount} (minor units) are taken when present. Other event types are
 * acknowledged and ignored (Flash may add some).
 */
@ApplicationScoped
public class FlashWebhookService {

    public static final String FLASH = "flash";
    static final Set<String> RECEIVE_EVENTS = Set.of("receive.lightning", "receive.intraledger");
    static final Pattern ID = Pattern.compile("[A-Za-z0-9_:.\\-]{1,128}");
    static final Pattern CURRENCY = Pattern.compile("[A-Z]{3,4}");

    /** What happened to an accepted (2xx) callback. */
    public enum Outcome { PUBLISHED, SPOOLED, DUPLICATE, IGNORED }

    private final SvixVerifier verifier;
    private final ObjectReader json;
    private final WebhookGate gate;
    private final WebhookIntake intake;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    public FlashWebhookService(SvixVerifier verifier, ObjectMapper json, WebhookGate gate, WebhookIntake intake,
                               GatewayMetrics metrics, GatewayConfig config) {
        this.verifier = verifier;
        this.json = json.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.gate = gate;
        this.intake = intake;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * Size (413, before the HMAC or any parsing) → signature and timestamp (403) → content type (415) → JSON (400)
     * → dedup by txid → kept (published or spooled) → 204.
     */
    public Uni<Outcome> onCallback(byte[] body, String contentType, String svixId, String svixTimestamp,
                                   String svixSignature) {
        try {
            if (body.length > config.flash().maxBodyBytes()) {
                throw new WebhookProblem(413, "body-too-large", "The request body is too large.");
            }
            if (svixSignature == null || svixSignature.isBlank()) {
                throw new WebhookProblem(403, "missing-signature", "svix-signature is required.");
            }
            if (!verifier.isValid(svixId, svixTimestamp, svixSignature, body)) {
                throw new WebhookProblem(403, "invalid-signature", "The Svix signature does not match or is too old.");
            }
            if (!isJson(contentType)) {
                throw new WebhookProblem(415, "unsupported-media-type", "Send application/json.");
            }
            var event = parse(body, svixTimestamp);
            if (event == null) {
                return Uni.createFrom().item(Outcome.IGNORED);
            }
            var key = "flash-tx:" + event.transactionId();
            return gate.claim(key)
                    .onFailure().recoverWithItem(f -> TwilioWebhookService.storeUnavailable(FLASH, f))
                    .flatMap(admission -> switch (admission) {
                case ACCEPTED -> intake.keepClaimed(FLASH, Exchanges.FLASH_EVENTS, event,
                                () -> gate.done(key, config.flash().dedupTtl()), () -> gate.release(key))
                        .map(destination -> destination == WebhookIntake.Destination.BROKER
                                ? Outcome.PUBLISHED : Outcome.SPOOLED);
                case UNCHECKED -> intake.keepUnchecked(FLASH, Exchanges.FLASH_EVENTS, event)
                        .replaceWith(Outcome.PUBLISHED);
                case IN_FLIGHT -> Uni.createFrom().failure(new WebhookProblem(503, "in-flight",
                        "This event is being queued by another request; please retry."));
                default -> {
                    metrics.deduplicated(FLASH);
                    yield Uni.createFrom().item(Outcome.DUPLICATE);
                }
            }).onFailure(WebhookProblem.class).transform(f -> ((WebhookProblem) f).at(FLASH));
        } catch (WebhookProblem problem) {
            return Uni.createFrom().failure(problem.at(FLASH));
        }
    }

    /** {@code application/json}, with no charset or UTF-8 (JSON is UTF-8; another charset would change the bytes' meaning). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        var semicolon = contentType.indexOf(';');
        var type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip();
        if (!type.equalsIgnoreCase("application/json")) {
            return false;
        }
        var lower = contentType.toLowerCase();
        var charset = lower.indexOf("charset=");
        return charset < 0 || lower.substring(charset + 8).strip().replace("\"", "").startsWith("utf-8");
    }

    /** The event, or null for an event type the gateway does not act on. */
    private PaymentReceived parse(byte[] body, String svixTimestamp) {
        String text;
        try {
            // strictly UTF-8 (RFC 8259): the JSON parser would otherwise guess UTF-16/32 or let encoded surrogates by
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw WebhookProblem.badRequest("invalid-encoding", "The body is not valid UTF-8.");
        }
        JsonNode node;
        try {
            // one JSON value and nothing after it: trailing content is a malformed body, not something to ignore
            node = json.readTree(text);
        } catch (IOException e) {
            throw WebhookProblem.badRequest("invalid-json", "The body is not JSON.");
        }
        if (node == null || !node.isObject()) {
            throw WebhookProblem.badRequest("invalid-json", "The body must be a JSON object.");
        }
        var eventType = text(node, "eventType");
        if (eventType == null || !RECEIVE_EVENTS.contains(eventType)) {
            Log.debugf("flash webhook event %s ignored", eventType == null ? "(none)" : eventType.replaceAll("[^a-z.]", ""));
            return null;
        }
        var txid = text(node, "txid");
        var accountId = text(node, "accountId");
        if (txid == null || !ID.matcher(txid).matches()) {
            throw WebhookProblem.badRequest("invalid-txid", "txid is required.");
        }
        if (accountId == null || !ID.matcher(accountId).matches()) {
            throw WebhookProblem.badRequest("invalid-account-id", "accountId is required.");
        }
        var walletId = text(node, "walletId");
        if (walletId != null && !ID.matcher(walletId).matches()) {
            walletId = null;
        }
        var currency = text(node, "walletCurrency");
        if (currency != null && !CURRENCY.matcher(currency).matches()) {
            currency = null;
        }
        long amount = 0; // Flash's payload has no amount: 0 means "not told", consumers look it up by txid
        var amountNode = node.get("amount");
        if (amountNode != null && amountNode.canConvertToExactIntegral() && amountNode.canConvertToLong() && amountNode.asLong() >= 0) {
            amount = amountNode.asLong();
        }
        var settledAt = Instant.ofEpochSecond(Long.parseLong(svixTimestamp.trim()));
        var envelope = new Envelope(InboundMapper.messageIdFor("flash-tx", txid), txid, Instant.now(), null,
                RoutingKeys.FlashEvents.PAYMENT_RECEIVED);
        return new PaymentReceived(envelope, txid, accountId, walletId, currency, amount, null, null, null, null,
                "webhook", settledAt);
    }

    private static String text(JsonNode node, String field) {
        var value = node.get(field);
        return value != null && value.isTextual() && !value.asText().isBlank() ? value.asText().strip() : null;
    }
}
