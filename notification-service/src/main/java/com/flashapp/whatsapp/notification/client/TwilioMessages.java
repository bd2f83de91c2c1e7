package com.flashapp.whatsapp.notification.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * twilio-java's {@code Message.creator(...).create()}, pointed at the configured base URL, behind a circuit
 * breaker: when Twilio keeps answering 5xx or cannot be reached, sends stop for a while instead of piling up
 * retries (the relay holds its queue while the breaker is open, and sends one probe at a time while it is half
 * open). Twilio's 4xx answers (a bad number, 63016, 429) are outcomes, not outages: they pass through without
 * counting. No retry here: the relay retries, with backoff, and counts. Blocking. The breaker's thresholds and
 * delay are configurable ({@code quarkus.fault-tolerance."<this class>/create".circuit-breaker.*}).
 */
@ApplicationScoped
public class TwilioMessages {

    /** The breaker's name, for {@code CircuitBreakerMaintenance}. */
    public static final String BREAKER = "twilio-send";

    private final NotificationConfig.Twilio config;
    private final RedirectingTwilioHttpClient http;
    private final TwilioRestClient client;
    private final ObjectMapper json = new ObjectMapper();

    public TwilioMessages(NotificationConfig config) {
        this.config = config.twilio();
        this.http = new RedirectingTwilioHttpClient(this.config.baseUrl(), this.config.connectTimeout(),
                this.config.requestTimeout(), config.relay().concurrency());
        this.client = new TwilioRestClient.Builder(this.config.accountSid(), this.config.authToken())
                .httpClient(this.http)
                .build();
    }

    /** The same twilio-java client (and HTTP pool) for the Content API ({@link TwilioContent}). */
    TwilioRestClient restClient() {
        return client;
    }

    @PreDestroy
    void close() throws IOException {
        http.close();
    }

    /**
     * Twilio is down or unreachable (5xx, connection error or time-out): counts against the breaker. {@code
     * retryAfter}: Twilio's Retry-After, if it answered with one.
     */
    public static class TwilioUnavailableException extends RuntimeException {
        private final transient Duration retryAfter;

        TwilioUnavailableException(Throwable cause, Duration retryAfter) {
            super(cause.getMessage(), cause);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /**
     * Twilio answered with an error that is not an outage (4xx: a bad number, 63016, 429): passes the breaker
     * without counting. {@code retryAfter}: Twilio's Retry-After, if it answered with one.
     */
    public static class TwilioRefusedException extends RuntimeException {
        private final transient Duration retryAfter;

        TwilioRefusedException(ApiException cause, Duration retryAfter) {
            super(cause.getMessage(), cause);
            this.retryAfter = retryAfter;
        }

        public ApiException error() {
            return (ApiException) getCause();
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }

    /** Creates the message; returns Twilio's MessageSid. */
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10, delayUnit = ChronoUnit.SECONDS,
            successThreshold = 2, failOn = TwilioUnavailableException.class)
    @CircuitBreakerName(BREAKER)
    public String create(TwilioSender.Send send) {
        try {
            var to = new PhoneNumber(send.to());
            var sender = send.from() != null ? send.from() : config.from();
            // a Messaging Service SID (MG…) instead of a number: Twilio picks one of the service's senders
            var creator = sender.startsWith("MG")
                    ? Message.creator(to, sender, send.contentSid() != null ? null : send.body())
                    : Message.creator(to, new PhoneNumber(sender), send.contentSid() != null ? null : send.body());
            if (send.contentSid() != null) {
                creator.setContentSid(send.contentSid())
                        .setContentVariables(json.writeValueAsString(send.contentVariables()));
            }
            if (send.contentSid() == null && send.mediaUrls() != null && !send.mediaUrls().isEmpty()) {
                creator.setMediaUrl(send.mediaUrls().stream().map(URI::create).toList());
            }
            return creator.setStatusCallback(URI.create(config.statusCallback())).create(client).getSid();
        } catch (ApiException e) {
            var status = e.getStatusCode();
            if (status != null && status >= 500) {
                throw new TwilioUnavailableException(e, http.retryAfter());
            }
            throw new TwilioRefusedException(e, http.retryAfter());
        } catch (ApiConnectionException | UncheckedIOException e) {
            // the request may or may not have reached Twilio; Twilio has no idempotency key, so the relay's
            // retry can (rarely) duplicate a message: accepted over losing it
            throw new TwilioUnavailableException(e, null);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("template variables cannot be written as JSON", e);
        }
    }
}
