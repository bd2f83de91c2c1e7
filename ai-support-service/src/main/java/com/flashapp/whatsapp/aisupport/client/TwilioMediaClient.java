package com.flashapp.whatsapp.aisupport.client;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Downloads and deletes a voice note's media at Twilio. Twilio answers a media URL (HTTP Basic
 * {@code AccountSid:AuthToken}) with a redirect to short-lived pre-signed storage, which is fetched <em>without</em>
 * the credentials (storage refuses a second auth mechanism, and the token must not leave Twilio's host). The body is
 * read up to {@code app.support.voice.max-bytes} and the download cancelled beyond. Expected outcomes (media gone,
 * too large) are results, not failures, so they never open the breaker; 5xx and I/O errors are retried (a GET is
 * safe) and counted. Non-blocking: the JDK client's asynchronous API.
 */
@ApplicationScoped
public class TwilioMediaClient {

    /** What a download gave. */
    public sealed interface Download {
        /** The audio, within the size limit. */
        record Audio(byte[] bytes) implements Download {
        }

        /** Larger than the limit (said by Content-Length, or seen while reading). */
        record TooLarge() implements Download {
        }

        /** Twilio no longer has it (404/410), e.g. deleted after an earlier attempt. */
        record Gone() implements Download {
        }
    }

    /** A failure worth retrying (5xx, 429, I/O). */
    public static final class MediaUnavailable extends RuntimeException {
        public MediaUnavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final int MAX_REDIRECTS = 3;

    private final SupportConfig config;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER) // by hand: credentials only to Twilio, never to storage
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public TwilioMediaClient(SupportConfig config) {
        this.config = config;
    }

    /** Whether {@code url} is one of our account's Twilio media URLs (the only place credentials are sent). */
    public boolean isTwilioMedia(String url) {
        var twilio = config.voice().twilio();
        var base = twilio.baseUrl().endsWith("/") ? twilio.baseUrl().substring(0, twilio.baseUrl().length() - 1)
                : twilio.baseUrl();
        var prefix = base + "/2010-04-01/Accounts/" + twilio.accountSid() + "/Messages/";
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

    @Timeout(15000)
    @Retry(maxRetries = 2, delay = 300, jitter = 100, retryOn = MediaUnavailable.class)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 20000, successThreshold = 1)
    public Uni<Download> download(String url) {
        return Uni.createFrom().completionStage(() -> fetch(URI.create(url), true, 0))
                .onFailure(CompletionException.class).transform(Throwable::getCause)
                .onFailure(IOException.class).transform(e -> new MediaUnavailable(e.getClass().getSimpleName()));
    }

    /** Deletes the media at Twilio ({@code DELETE <url>.json}); true when deleted or already gone. */
    @Timeout(5000)
    public Uni<Boolean> delete(String url) {
        var request = HttpRequest.newBuilder(URI.create(url + ".json")).timeout(Duration.ofSeconds(5))
                .header("Authorization", basic()).DELETE().build();
        return Uni.createFrom().completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(response -> response.statusCode() == 204 || response.statusCode() == 404);
    }

    private CompletionStage<Download> fetch(URI uri, boolean twilio, int redirects) {
        var builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (twilio) {
            builder.header("Authorization", basic());
        }
        var max = config.voice().maxBytes();
        var cut = new AtomicBoolean();
        return http.sendAsync(builder.build(), info -> capped(info, max, cut)).exceptionally(failure -> {
            // cancelling the body closes the connection, and the client may report that close instead of our result
            if (cut.get()) {
                return null;
            }
            throw failure instanceof CompletionException wrapped ? wrapped : new CompletionException(failure);
        }).thenCompose(response -> {
            if (response == null) {
                return CompletableFuture.completedFuture(new Download.TooLarge());
            }
            int status = response.statusCode();
            if (status >= 300 && status < 400 && status != 304) {
                var location = response.headers().firstValue("Location");
                if (location.isEmpty() || redirects >= MAX_REDIRECTS) {
                    throw new MediaUnavailable("redirect without a usable Location");
                }
                var next = uri.resolve(location.get());
                if (!"https".equals(next.getScheme()) && !"http".equals(next.getScheme())) {
                    throw new MediaUnavailable("redirect to " + next.getScheme());
                }
                return fetch(next, false, redirects + 1);
            }
            return CompletableFuture.completedFuture(outcome(status, response.body()));
        });
    }

    private static Download outcome(int status, Download body) {
        if (status == 404 || status == 410) {
            return new Download.Gone();
        }
        if (status == 429 || status >= 500) {
            throw new MediaUnavailable("HTTP " + status);
        }
        if (status != 200) {
            // 401/403: our credentials or the URL are wrong; retrying will not help, but it is a failure
            throw new IllegalStateException("media download refused: HTTP " + status);
        }
        return body;
    }

    /** Reads a 200 body up to {@code max} bytes; any other status' body is discarded. */
    private static HttpResponse.BodySubscriber<Download> capped(HttpResponse.ResponseInfo info, long max,
            AtomicBoolean cut) {
        if (info.statusCode() != 200) {
            return HttpResponse.BodySubscribers.replacing(new Download.Gone());
        }
        var length = info.headers().firstValueAsLong("Content-Length");
        if (length.isPresent() && length.getAsLong() > max) {
            return HttpResponse.BodySubscribers.replacing(new Download.TooLarge());
        }
        return new CappedBody(max, cut);
    }

    private String basic() {
        var twilio = config.voice().twilio();
        return "Basic " + Base64.getEncoder().encodeToString(
                (twilio.accountSid() + ":" + twilio.authToken()).getBytes(StandardCharsets.UTF_8));
    }

    /** Collects the body and cancels the download once it exceeds the limit. */
    private static final class CappedBody implements HttpResponse.BodySubscriber<Download> {
        private final long max;
        private final AtomicBoolean cut;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<Download> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        CappedBody(long max, AtomicBoolean cut) {
            this.max = max;
            this.cut = cut;
        }

        @Override
        public CompletionStage<Download> getBody() {
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
                    result.complete(new Download.TooLarge());
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
            result.complete(new Download.Audio(out.toByteArray()));
        }
    }
}
