package com.flashapp.whatsapp.aisupport.client;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.faulttolerance.Bulkhead;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

import java.time.Duration;
import java.util.List;

/**
 * Chat completions through Maple AI (maple-proxy). The call is bounded by a timeout, guarded by a circuit breaker
 * and a bulkhead (the global limit of concurrent provider calls); every failure surfaces to the caller, which
 * answers from the FAQ instead. Values of all three are config ({@code MapleClient/complete/...}).
 */
@ApplicationScoped
public class MapleClient {

    public static final String BREAKER = "maple";
    public static final String TRANSCRIPTION_BREAKER = "maple-transcription";
    public static final String SPEECH_BREAKER = "maple-speech";
    /** Every Ogg page, so every Ogg file, starts with this capture pattern. */
    private static final byte[] OGG_MAGIC = {'O', 'g', 'g', 'S'};

    private final MapleApi api;
    private final SupportConfig config;

    public MapleClient(@RestClient MapleApi api, SupportConfig config) {
        this.api = api;
        this.config = config;
    }

    @Timeout(4000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 20000, successThreshold = 1)
    @CircuitBreakerName(BREAKER)
    @Bulkhead(value = 8, waitingTaskQueue = 16)
    public Uni<ChatCompletion.Result> complete(List<ChatCompletion.Message> messages) {
        var maple = config.maple();
        var request = new ChatCompletion.Request(maple.model(), messages, maple.temperature(), maple.maxTokens(), false);
        return api.complete("Bearer " + maple.apiKey(), request).map(MapleClient::toResult);
    }

    /**
     * Speech to text through Maple ({@code POST /v1/audio/transcriptions}): the audio with a file name whose
     * extension matches its type (OpenAI-compatible servers pick the decoder by it). Bounded like chat by a timeout,
     * its own circuit breaker and bulkhead ({@code MapleClient/transcribe/...}). A 400 — the provider could not decode
     * the audio — is the user's note, not the provider's health: it comes back as an empty transcript inside the
     * breaker, so it never opens it.
     */
    @Timeout(15000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 20000, successThreshold = 1)
    @CircuitBreakerName(TRANSCRIPTION_BREAKER)
    @Bulkhead(value = 4, waitingTaskQueue = 16)
    public Uni<String> transcribe(byte[] audio, String contentType) {
        var form = ClientMultipartForm.create()
                .binaryFileUpload("file", "voice." + extension(contentType), Buffer.buffer(audio), contentType)
                .attribute("model", config.voice().transcriptionModel(), null)
                .attribute("response_format", "json", null);
        return api.transcribe("Bearer " + config.maple().apiKey(), form)
                .map(t -> t == null || t.text() == null ? "" : t.text().strip())
                .onFailure(e -> e instanceof WebApplicationException w && w.getResponse().getStatus() == 400)
                .recoverWithItem("");
    }

    /**
     * Text to speech through Maple ({@code POST /v1/audio/speech}, {@code response_format=opus}): Ogg/Opus, what
     * WhatsApp plays as a voice note. Bounded like the other Maple calls by a timeout, its own circuit breaker and
     * bulkhead ({@code MapleClient/speak/...}). An answer that is not an Ogg file counts as a provider failure.
     */
    @Timeout(15000)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 20000, successThreshold = 1)
    @CircuitBreakerName(SPEECH_BREAKER)
    @Bulkhead(value = 4, waitingTaskQueue = 16)
    public Uni<byte[]> speak(String text) {
        var voice = config.voice();
        var request = new Speech.Request(voice.speechModel(), text, voice.speechVoice(), "opus");
        return api.speech("Bearer " + config.maple().apiKey(), request).map(audio -> {
            if (!isOgg(audio)) {
                throw new IllegalStateException("speech is not Ogg audio");
            }
            return audio;
        });
    }

    static boolean isOgg(byte[] audio) {
        if (audio == null || audio.length < 28) { // shorter than one Ogg page header
            return false;
        }
        for (int i = 0; i < OGG_MAGIC.length; i++) {
            if (audio[i] != OGG_MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static String extension(String contentType) {
        return switch (contentType == null ? "" : contentType) {
            case "audio/mpeg" -> "mp3";
            case "audio/mp4", "audio/aac" -> "m4a";
            case "audio/wav" -> "wav";
            case "audio/webm" -> "webm";
            default -> "ogg";
        };
    }

    /**
     * Checks once at startup that the configured model is in Maple's catalogue (ids change; see MAPLE_AI.md). Only
     * warns: the provider may be down at startup, and the FAQ fallback answers meanwhile.
     */
    void checkModel(@Observes StartupEvent event) {
        var model = config.maple().model();
        api.models("Bearer " + config.maple().apiKey())
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .subscribe().with(
                        models -> {
                            var ids = models == null || models.data() == null ? List.<String>of()
                                    : models.data().stream().map(ChatCompletion.Model::id).toList();
                            if (!ids.contains(model)) {
                                Log.warnf("Maple model %s is not in the provider's catalogue %s", model, ids);
                            }
                        },
                        failure -> Log.warnf("Could not list Maple models (%s); answers fall back to the FAQ "
                                + "while the provider is unreachable", failure.getClass().getSimpleName()));
    }

    static ChatCompletion.Result toResult(ChatCompletion.Response response) {
        if (response == null || response.choices() == null || response.choices().isEmpty()
                || response.choices().get(0).message() == null
                || response.choices().get(0).message().content() == null
                || response.choices().get(0).message().content().isBlank()) {
            throw new IllegalStateException("empty completion");
        }
        var usage = response.usage();
        return new ChatCompletion.Result(response.choices().get(0).message().content().strip(),
                usage == null ? 0 : usage.promptTokens(), usage == null ? 0 : usage.completionTokens());
    }
}
