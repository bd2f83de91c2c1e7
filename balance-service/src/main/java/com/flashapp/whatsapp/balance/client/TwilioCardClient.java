package com.flashapp.whatsapp.balance.client;

import com.flashapp.whatsapp.balance.config.WalletConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downloads a shared contact card (vCard) from Twilio, as ai-support-service downloads voice notes: HTTP Basic
 * {@code AccountSid:AuthToken} to our account's media URL only, the redirect to pre-signed storage followed by hand
 * <em>without</em> the credentials, the body capped at {@code wallet.contacts.vcard-max-bytes}. Media gone or too
 * large is a result (null), not a failure; 5xx, 429 and I/O errors are retried (a GET is safe) and counted by the
 * breaker. Non-blocking: the JDK client's asynchronous API.
 */
@ApplicationScoped
public class TwilioCardClient {

    /** A failure worth retrying (5xx, 429, I/O). */
    public static final class CardUnavailable extends RuntimeException {
        public CardUnavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final int MAX_REDIRECTS = 3;

    private final WalletConfig.Contacts config;
    private final HttpClient http;

    public TwilioCardClient(WalletConfig config) {
        this.config = config.contacts();
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER) // by hand: credentials only to Twilio, never to storage
                .connectTimeout(this.config.vcardTimeout())
                .build();
    }

    /** Whether {@code url} is one of our account's Twilio media URLs (the only place credentials are sent). */
    public boolean isTwilioMedia(String url) {
        var base = config.twilioBaseUrl().endsWith("/")
                ? config.twilioBaseUrl().substring(0, config.twilioBaseUrl().length() - 1) : config.twilioBaseUrl();
        var prefix = base + "/2010-04-01/Accounts/" + config.twilioAccountSid() + "/Messages/";
        if (url == null || !url.startsWith(prefix) || url.contains("..") || url.contains("@")) {
            return false;
        }
        try {
            var uri = URI.create(url);
            return uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** The card's text (UTF-8), or null when Twilio no longer has it or it is too large. */
    @Retry(maxRetries = 2, delay = 300, jitter = 100, retryOn = CardUnavailable.class)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 20000, successThreshold = 1)
    public Uni<String> download(String url) {
        return Uni.createFrom().completionStage(() -> fetch(URI.create(url), true, 0))
                .onFailure(CompletionException.class).transform(Throwable::getCause)
                .onFailure(IOException.class).transform(e -> new CardUnavailable(e.getClass().getSimpleName()))
                .map(bytes -> bytes == null ? null : new String(bytes, StandardCharsets.UTF_8));
    }

    private CompletionStage<byte[]> fetch(URI uri, boolean twilio, int redirects) {
        var builder = HttpRequest.newBuilder(uri).timeout(config.vcardTimeout()).GET();
        if (twilio) {
            builder.header("Authorization", basic());
        }
        int max = config.vcardMaxBytes();
        var cut = new AtomicBoolean();
        return http.sendAsync(builder.build(), info -> capped(info, max, cut)).exceptionally(failure -> {
            // cancelling the body closes the connection, and the client may report that close instead of our result
            if (cut.get()) {
                return null;
            }
            throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
        }).thenCompose(response -> {
            if (response == null) {
                return CompletableFuture.completedFuture(null);
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                var location = response.headers().firstValue("Location");
                if (location.isEmpty() || redirects >= MAX_REDIRECTS) {
                    throw new CardUnavailable("redirect without a usable Location");
                }
                var next = uri.resolve(location.get());
                if (!"https".equals(next.getScheme()) && !"http".equals(next.getScheme())) {
                    throw new CardUnavailable("redirect to " + next.getScheme());
                }
                return fetch(next, false, redirects + 1);
            }
            if (status == 404 || status == 410) {
                return CompletableFuture.completedFuture(null);
            }
            if (status == 429 || status >= 500) {
                throw new CardUnavailable("HTTP " + status);
            }
            if (status != 200) {
                throw new IllegalStateException("contact card download refused: HTTP " + status);
            }
            return CompletableFuture.completedFuture(response.body());
        });
    }

    /** Reads a 200 body up to {@code max} bytes (null beyond); any other status' body is discarded. */
    private static HttpResponse.BodySubscriber<byte[]> capped(HttpResponse.ResponseInfo info, long max,
            AtomicBoolean cut) {
        if (info.statusCode() != 200) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        var length = info.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() > max) {
            return HttpResponse.BodySubscribers.replacing(null);
        }
        return new CappedBody(max, cut);
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString(
                (config.twilioAccountSid() + ":" + config.twilioAuthToken()).getBytes(StandardCharsets.UTF_8));
    }

    /** Collects the body; past the limit it cancels the download and gives null. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final AtomicBoolean cut;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(long max, AtomicBoolean cut) {
            this.max = max;
            this.cut = cut;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (var item : items) {
                if (out.size() + (long) item.remaining() > max) {
                    cut.set(true);
                    result.complete(null);
                    subscription.cancel();
                    return;
                }
                var bytes = new byte[item.remaining()];
                item.get(bytes);
                out.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
