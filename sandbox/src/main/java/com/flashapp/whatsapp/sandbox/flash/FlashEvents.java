package com.flashapp.whatsapp.sandbox.flash;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@code myUpdates} event streams (one broadcast per user) and the optional account webhook. */
@ApplicationScoped
public class FlashEvents {

    private final Map<String, BroadcastProcessor<Map<String, Object>>> streams = new ConcurrentHashMap<>();
    private final SandboxConfig config;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlashEvents(SandboxConfig config, ObjectMapper mapper) {
        this.config = config;
        this.mapper = mapper;
    }

    /** The updates of one user from now on (hot stream). */
    public Multi<Map<String, Object>> updates(String userId) {
        return streams.computeIfAbsent(userId, id -> BroadcastProcessor.create());
    }

    private final Map<String, BroadcastProcessor<String>> invoiceStreams = new ConcurrentHashMap<>();

    /** Status changes of one invoice (by payment request) from now on. */
    public Multi<String> invoiceUpdates(String paymentRequest) {
        return invoiceStreams.computeIfAbsent(paymentRequest, id -> BroadcastProcessor.create());
    }

    void invoicePaid(String paymentRequest) {
        var stream = invoiceStreams.remove(paymentRequest);
        if (stream != null) {
            stream.onNext("PAID");
            stream.onComplete();
        }
    }

    void publish(String userId, Map<String, Object> update) {
        var stream = streams.get(userId);
        if (stream != null) {
            stream.onNext(update);
        }
    }

    /** Posts {accountId, eventType, txid, paymentHash} to the configured account webhook, if any (fire and forget). */
    void accountWebhook(String accountId, String eventType, String txid, String paymentHash) {
        var url = config.flash().accountWebhookUrl();
        if (url.isEmpty()) {
            return;
        }
        try {
            var payload = new LinkedHashMap<String, Object>();
            payload.put("accountId", accountId);
            payload.put("eventType", eventType);
            payload.put("txid", txid);
            if (paymentHash != null) {
                payload.put("paymentHash", paymentHash);
            }
            var request = HttpRequest.newBuilder(URI.create(url.get()))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(payload)))
                    .build();
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            Log.warnf("Flash sandbox: account webhook failed: %s", e.getMessage());
                        }
                    });
        } catch (Exception e) {
            Log.warnf("Flash sandbox: account webhook not sent: %s", e.getMessage());
        }
    }
}
