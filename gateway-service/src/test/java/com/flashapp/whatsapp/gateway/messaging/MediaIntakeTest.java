package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.media.MediaStoreRequest;
import com.flashapp.whatsapp.gateway.metrics.GatewayMetrics;
import com.flashapp.whatsapp.gateway.repository.MediaStore;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import com.flashapp.whatsapp.gateway.support.Webhooks;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The media intake end to end: a {@code MediaStoreRequest} published to {@code gateway.media} as balance-service
 * publishes it, the gateway's own queue and dead-letter queue on the real broker, Redis, and the URL the producer
 * builds itself (computed here independently of the gateway's signer).
 */
@QuarkusTest
class MediaIntakeTest {

    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 1, 0};
    static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0};
    /** The start of an Ogg/Opus file: the first page ("OggS", version 0, BOS) carrying the OpusHead packet. */
    static final byte[] OGG = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            1, 19, 'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, 1, 0x38, 1, (byte) 0x80, (byte) 0xbb, 0, 0, 0, 0, 0};
    static final String DLQ = Queues.dlq(Queues.GATEWAY_MEDIA_STORE);

    @TestHTTPResource("/")
    URI base;

    @Inject
    MediaStore store;

    @Inject
    GatewayMetrics metrics;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "gateway.media.signing-key")
    String signingKey;

    @ConfigProperty(name = "gateway.public-base-url")
    String publicBaseUrl;

    @ConfigProperty(name = "gateway.media.max-bytes")
    int maxBytes;

    TestBroker broker;

    @BeforeEach
    void connect() {
        broker = new TestBroker();
        broker.awaitConsumer(Queues.GATEWAY_MEDIA_STORE);
    }

    @AfterEach
    void disconnect() {
        broker.close();
    }

    @Test
    void storesAPublishedPngAndServesItAtTheUrlTheProducerBuilt() {
        var request = request(MediaStore.PNG, PNG, Instant.now().plus(10, ChronoUnit.MINUTES));
        broker.publish(Exchanges.GATEWAY_MEDIA, request);

        var response = await().atMost(Duration.ofSeconds(30))
                .until(() -> Webhooks.get(base, localPath(producerUrl(request))), r -> r.statusCode() == 200);
        assertEquals("image/png", response.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(PNG, response.body());
    }

    @Test
    void servesAJpegAsAJpeg() {
        var request = request(MediaStore.JPEG, JPEG, Instant.now().plus(10, ChronoUnit.MINUTES));
        broker.publish(Exchanges.GATEWAY_MEDIA, request);

        var response = await().atMost(Duration.ofSeconds(30))
                .until(() -> Webhooks.get(base, localPath(producerUrl(request))), r -> r.statusCode() == 200);
        assertEquals("image/jpeg", response.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(JPEG, response.body());
    }

    @Test
    void servesAVoiceReplyAsOggAtItsSignedUrlAndRefusesItWithAnotherSignature() {
        // ai-support-service's spoken answers ("voice on"): Ogg/Opus, as WhatsApp plays voice notes
        var request = request(MediaStore.OGG, OGG, Instant.now().plus(10, ChronoUnit.MINUTES));
        broker.publish(Exchanges.GATEWAY_MEDIA, request);

        var url = localPath(producerUrl(request));
        var response = await().atMost(Duration.ofSeconds(30))
                .until(() -> Webhooks.get(base, url), r -> r.statusCode() == 200);
        assertEquals("audio/ogg", response.headers().firstValue("Content-Type").orElse(""));
        assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertArrayEquals(OGG, response.body());

        var forged = url.substring(0, url.indexOf("&sig=")) + "&sig=" + "A".repeat(43);
        assertEquals(403, Webhooks.get(base, forged).statusCode());
        var otherExpiry = url.replace("?exp=" + request.expiresAt().getEpochSecond(),
                "?exp=" + (request.expiresAt().getEpochSecond() + 3600));
        assertEquals(403, Webhooks.get(base, otherExpiry).statusCode());
    }

    @Test
    void aRedeliveredStoreRequestIsStoredAgainHarmlessly() {
        var request = request(MediaStore.PNG, PNG, Instant.now().plus(10, ChronoUnit.MINUTES));
        broker.publish(Exchanges.GATEWAY_MEDIA, request);
        broker.publish(Exchanges.GATEWAY_MEDIA, request); // the same message again, as after a lost ack

        // a malformed message after both: once it is dead-lettered, both earlier ones have been handled
        var marker = UUID.randomUUID().toString();
        broker.publish(Exchanges.GATEWAY_MEDIA, RoutingKeys.Media.STORE, marker, "{".getBytes(StandardCharsets.UTF_8));
        broker.awaitDeadLettered(DLQ, marker);

        assertFalse(broker.sawDeadLettered(DLQ, request.envelope().messageId().toString()));
        var stored = store.find(request.mediaId()).await().atMost(Duration.ofSeconds(5));
        assertEquals(MediaStore.PNG, stored.contentType());
        assertArrayEquals(PNG, stored.data());
        var response = Webhooks.get(base, localPath(producerUrl(request)));
        assertEquals(200, response.statusCode());
        assertArrayEquals(PNG, response.body());
    }

    static Stream<Arguments> invalidRequests() {
        var soon = Instant.now().plus(10, ChronoUnit.MINUTES);
        return Stream.of(
                Arguments.of("invalid-media-id", "short", MediaStore.PNG, b64(PNG), soon),
                Arguments.of("invalid-media-id", "has/a/slash/in/the/id", MediaStore.PNG, b64(PNG), soon),
                Arguments.of("unsupported-content-type", newId(), "image/gif", b64("GIF89a".getBytes(StandardCharsets.US_ASCII)), soon),
                Arguments.of("invalid-base64", newId(), MediaStore.PNG, "not base64 at all!", soon),
                Arguments.of("empty", newId(), MediaStore.PNG, "", soon),
                Arguments.of("content-mismatch", newId(), MediaStore.PNG, b64(JPEG), soon),
                Arguments.of("content-mismatch", newId(), MediaStore.JPEG, b64(PNG), soon),
                Arguments.of("content-mismatch", newId(), MediaStore.OGG, b64("ID3\u0004 an mp3, not Ogg".getBytes(StandardCharsets.US_ASCII)), soon),
                Arguments.of("unsupported-content-type", newId(), "audio/mpeg", b64(OGG), soon),
                Arguments.of("expired", newId(), MediaStore.PNG, b64(PNG), Instant.now().minusSeconds(60)),
                Arguments.of("expiry-too-late", newId(), MediaStore.PNG, b64(PNG), Instant.now().plus(25, ChronoUnit.HOURS)),
                Arguments.of("missing-expiry", newId(), MediaStore.PNG, b64(PNG), null));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("invalidRequests")
    void anInvalidRequestIsDeadLetteredAndNothingIsStored(String reason, String mediaId, String contentType,
                                                          String data, Instant expiresAt) {
        var before = rejected(reason);
        var request = new MediaStoreRequest(Envelope.create(RoutingKeys.Media.STORE, "test-" + reason, "u_test"),
                mediaId, contentType, data, expiresAt);
        broker.publish(Exchanges.GATEWAY_MEDIA, request);

        var dead = broker.awaitDeadLettered(DLQ, request.envelope().messageId().toString());
        assertEquals("rejected", TestBroker.deathReason(dead), "rejected by the gateway, not retried to the limit");
        assertTrue(rejected(reason) > before, "counted as " + reason);
        if (mediaId.matches("[A-Za-z0-9_-]+")) {
            assertNull(store.find(mediaId).await().atMost(Duration.ofSeconds(5)));
        }
    }

    @Test
    void anImageLargerThanTheLimitIsDeadLettered() {
        var big = Arrays.copyOf(PNG, maxBytes + 1);
        var request = request(MediaStore.PNG, big, Instant.now().plus(10, ChronoUnit.MINUTES));
        var before = rejected("too-large");
        broker.publish(Exchanges.GATEWAY_MEDIA, request);

        var dead = broker.awaitDeadLettered(DLQ, request.envelope().messageId().toString());
        assertEquals("rejected", TestBroker.deathReason(dead));
        assertTrue(rejected("too-large") > before);
        assertNull(store.find(request.mediaId()).await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void aMessageThatIsNotAStoreRequestIsDeadLettered() {
        var id = UUID.randomUUID().toString();
        broker.publish(Exchanges.GATEWAY_MEDIA, RoutingKeys.Media.STORE, id,
                "{\"mediaId\":\"no-envelope-here-1234\"}".getBytes(StandardCharsets.UTF_8));

        var dead = broker.awaitDeadLettered(DLQ, id);
        assertEquals("rejected", TestBroker.deathReason(dead));
        assertNull(store.find("no-envelope-here-1234").await().atMost(Duration.ofSeconds(5)));
    }

    @Test
    void aFetchThatArrivesBeforeTheStoreMessageGetsTheImageOnceStored() throws Exception {
        var request = request(MediaStore.PNG, PNG, Instant.now().plus(10, ChronoUnit.MINUTES));
        var waitingBefore = metrics.mediaAwaiting().get();

        var fetch = Webhooks.getAsync(base, localPath(producerUrl(request)));
        // the fetch is waiting for the image: only now is the image handed over
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.mediaAwaiting().get() > waitingBefore);
        broker.publish(Exchanges.GATEWAY_MEDIA, request);

        HttpResponse<byte[]> response = fetch.get();
        assertEquals(200, response.statusCode());
        assertEquals("image/png", response.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(PNG, response.body());
    }

    private double rejected(String reason) {
        var counter = registry.find("gateway.media.rejected").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static MediaStoreRequest request(String contentType, byte[] data, Instant expiresAt) {
        var envelope = Envelope.create(RoutingKeys.Media.STORE, "test-media", "u_test");
        return new MediaStoreRequest(envelope, newId(), contentType, b64(data), expiresAt.truncatedTo(ChronoUnit.SECONDS));
    }

    /** 128 random bits, base64url: what balance-service chooses. */
    private static String newId() {
        var bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String b64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    /** The producer's URL, by the documented formula (not by the gateway's own signer). */
    private String producerUrl(MediaStoreRequest request) {
        var exp = request.expiresAt().getEpochSecond();
        String sig;
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            sig = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal((request.mediaId() + "." + exp).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return publicBaseUrl + "/media/" + request.mediaId() + "?exp=" + exp + "&sig=" + sig;
    }

    private String localPath(String publicUrl) {
        assertTrue(publicUrl.startsWith(publicBaseUrl + "/media/"));
        return publicUrl.substring(publicBaseUrl.length());
    }
}
