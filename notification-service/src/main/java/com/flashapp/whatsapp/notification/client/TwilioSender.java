package com.flashapp.whatsapp.notification.client;

import com.twilio.exception.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One send attempt through {@link TwilioMessages} (twilio-java behind a circuit breaker), classified into an
 * outcome the relay acts on. Blocking: callers run it on a worker thread, never on the event loop.
 */
@ApplicationScoped
public class TwilioSender {

    /** Twilio's "outside the 24-hour window" error. */
    public static final int OUTSIDE_WINDOW = 63016;
    /** Twilio's REST "Too Many Requests". */
    public static final int TOO_MANY_REQUESTS = 20429;
    /** WhatsApp channel rate limit; queue and back off like a 429. */
    public static final int CHANNEL_RATE_LIMIT = 63018;

    private final TwilioMessages messages;

    public TwilioSender(TwilioMessages messages) {
        this.messages = messages;
    }

    /**
     * What to send: free-form text (with media) or an approved template, from {@code from} (a WhatsApp sender
     * {@code whatsapp:+…}, a Messaging Service SID {@code MG…}, or null: {@code app.twilio.from}).
     */
    public record Send(String from, String to, String body, List<String> mediaUrls, String contentSid,
                       Map<String, String> contentVariables) {
    }

    /**
     * What happened: accepted (with Twilio's sid), retryable (with Twilio's Retry-After, if any), outside the window,
     * another permanent error, or held: the circuit breaker refused the call, so no request was made.
     */
    public record Outcome(Kind kind, String sid, String errorCode, String errorMessage, Duration retryAfter) {
        public enum Kind { ACCEPTED, RETRYABLE, OUTSIDE_WINDOW, PERMANENT, HELD }

        /** Twilio refused the send for a rate (429, 20429, or WhatsApp's 63018): the sender should slow down. */
        public boolean rateLimited() {
            return kind == Kind.RETRYABLE && errorCode != null && (errorCode.equals("429")
                    || errorCode.equals(String.valueOf(TOO_MANY_REQUESTS))
                    || errorCode.equals(String.valueOf(CHANNEL_RATE_LIMIT)));
        }

        static Outcome accepted(String sid) {
            return new Outcome(Kind.ACCEPTED, sid, null, null, null);
        }

        static Outcome of(Kind kind, Object code, String message) {
            return of(kind, code, message, null);
        }

        static Outcome of(Kind kind, Object code, String message, Duration retryAfter) {
            return new Outcome(kind, null, code == null ? null : code.toString(), message, retryAfter);
        }
    }

    /** Sends once. Blocking. */
    public Outcome send(Send send) {
        try {
            return Outcome.accepted(messages.create(send));
        } catch (CircuitBreakerOpenException e) {
            // Twilio has been failing and the breaker did not call it: not an attempt, the relay holds the message
            return Outcome.of(Outcome.Kind.HELD, "circuit_open", "Twilio circuit breaker open");
        } catch (TwilioMessages.TwilioUnavailableException e) {
            return e.getCause() instanceof ApiException api ? classify(api, e.retryAfter())
                    : Outcome.of(Outcome.Kind.RETRYABLE, null, "connection: " + e.getCause().getClass().getSimpleName());
        } catch (TwilioMessages.TwilioRefusedException e) {
            return classify(e.error(), e.retryAfter());
        } catch (ApiException e) {
            return classify(e, null);
        } catch (RuntimeException e) {
            // a request we cannot build (e.g. a malformed media URL) fails the same way every time
            return Outcome.of(Outcome.Kind.PERMANENT, "invalid_request", e.getClass().getSimpleName()
                    + ": " + e.getMessage());
        }
    }

    static Outcome classify(ApiException e) {
        return classify(e, null);
    }

    /** 63016 → outside the window; 429, 20429, 63018 and 5xx → retryable (with Retry-After); other errors → permanent. */
    static Outcome classify(ApiException e, Duration retryAfter) {
        Integer code = e.getCode();
        Integer status = e.getStatusCode();
        if (code != null && code == OUTSIDE_WINDOW) {
            return Outcome.of(Outcome.Kind.OUTSIDE_WINDOW, code, e.getMessage());
        }
        boolean retryable = (status != null && (status == 429 || status >= 500))
                || (code != null && (code == TOO_MANY_REQUESTS || code == CHANNEL_RATE_LIMIT));
        return retryable
                ? Outcome.of(Outcome.Kind.RETRYABLE, code != null ? code : status, e.getMessage(), retryAfter)
                : Outcome.of(Outcome.Kind.PERMANENT, code != null ? code : status, e.getMessage());
    }
}
