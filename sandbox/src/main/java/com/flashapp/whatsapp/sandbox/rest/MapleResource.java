package com.flashapp.whatsapp.sandbox.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import com.flashapp.whatsapp.sandbox.fault.Faults;
import com.flashapp.whatsapp.sandbox.maple.MapleResponder;
import com.flashapp.whatsapp.sandbox.voice.OggOpus;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Maple AI stand-in, OpenAI-compatible like maple-proxy: GET /v1/models, POST /v1/chat/completions,
 * /v1/audio/transcriptions and /v1/audio/speech.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class MapleResource {

    /** OpenAI's limit on {@code /v1/audio/speech} input. */
    static final int MAX_SPEECH_INPUT = 4096;
    /** How fast the stand-in "speaks": a voice reply's length in the Ogg file follows its words. */
    static final double WORDS_PER_SECOND = 2.5;

    private final SandboxConfig config;
    private final Faults faults;
    private final MapleResponder responder;
    private final ObjectMapper mapper;

    public MapleResource(SandboxConfig config, Faults faults, MapleResponder responder, ObjectMapper mapper) {
        this.config = config;
        this.faults = faults;
        this.responder = responder;
        this.mapper = mapper;
    }

    @GET
    @Path("/models")
    public Response models(@HeaderParam("Authorization") String authorization) {
        if (!authorized(authorization)) {
            return unauthorized();
        }
        var model = Map.of("id", config.maple().model(), "object", "model", "created", 1_752_000_000L,
                "owned_by", "maple");
        return Response.ok(Map.of("object", "list", "data", List.of(model))).build();
    }

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Uni<Response> chat(@HeaderParam("Authorization") String authorization, Map<String, Object> request) {
        var latency = faults.maple().latencyMs();
        Uni<Response> response = Uni.createFrom().item(() -> {
            var refused = refusal(authorization);
            if (refused != null) {
                return refused;
            }
            if (request == null || !(request.get("messages") instanceof List<?> rawMessages) || rawMessages.isEmpty()) {
                return error(400, "'messages' is required", "invalid_request_error");
            }
            var model = String.valueOf(request.get("model"));
            if (!config.maple().model().equals(model)) {
                return error(404, "The model `" + model + "` does not exist or you do not have access to it.",
                        "invalid_request_error");
            }
            var messages = new ArrayList<Map<String, Object>>();
            rawMessages.forEach(m -> {
                if (m instanceof Map<?, ?> map) {
                    messages.add((Map<String, Object>) map);
                }
            });
            var answer = responder.answer(messages);
            int promptTokens = messages.stream().mapToInt(m -> MapleResponder.tokens(String.valueOf(m.get("content"))))
                    .sum();
            Map<String, Object> usage = Map.of("prompt_tokens", promptTokens, "completion_tokens", MapleResponder.tokens(answer),
                    "total_tokens", promptTokens + MapleResponder.tokens(answer));
            var id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
            long created = Instant.now().getEpochSecond();
            if (Boolean.TRUE.equals(request.get("stream"))) {
                boolean includeUsage = request.get("stream_options") instanceof Map<?, ?> options
                        && Boolean.TRUE.equals(options.get("include_usage"));
                return Response.ok(sse(id, created, model, answer, includeUsage ? usage : null), "text/event-stream")
                        .header("Cache-Control", "no-cache").build();
            }
            var message = Map.of("role", "assistant", "content", answer);
            var choice = new LinkedHashMap<String, Object>();
            choice.put("index", 0);
            choice.put("message", message);
            choice.put("logprobs", null);
            choice.put("finish_reason", "stop");
            var body = new LinkedHashMap<String, Object>();
            body.put("id", id);
            body.put("object", "chat.completion");
            body.put("created", created);
            body.put("model", model);
            body.put("choices", List.of(choice));
            body.put("usage", usage);
            return Response.ok(body).build();
        });
        return latency > 0 ? response.onItem().delayIt().by(Duration.ofMillis(latency)) : response;
    }

    /**
     * Speech to text, as OpenAI's {@code POST /v1/audio/transcriptions}: multipart/form-data with {@code file} and
     * {@code model} (optional {@code language}, {@code prompt}, {@code response_format} json|text, {@code temperature}).
     * A sandbox voice note (Ogg/Opus carrying its transcript) → {@code {"text": "…"}}; any other audio → 400
     * "could not be decoded". Maple faults apply as to chat.
     */
    @POST
    @Path("/audio/transcriptions")
    @Blocking // reads the uploaded file from disk
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    public Uni<Response> transcribe(@HeaderParam("Authorization") String authorization,
                                    @RestForm("file")
                                    FileUpload file,
                                    @RestForm("model") String model,
                                    @RestForm("response_format") String format) {
        var latency = faults.maple().latencyMs();
        Uni<Response> response = Uni.createFrom().item(() -> {
            var refused = refusal(authorization);
            if (refused != null) {
                return refused;
            }
            if (model == null || model.isBlank()) {
                return error(400, "'model' is required", "invalid_request_error");
            }
            if (!config.maple().transcriptionModel().equals(model)) {
                return error(404, "The model `" + model + "` does not exist or you do not have access to it.",
                        "invalid_request_error");
            }
            if (file == null || file.uploadedFile() == null) {
                return error(400, "'file' is required", "invalid_request_error");
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file.uploadedFile());
            } catch (IOException e) {
                return error(500, "Internal server error", "server_error");
            }
            var text = OggOpus.transcript(bytes);
            if (text.isEmpty()) {
                return error(400, "Audio file could not be decoded or its format is not supported.",
                        "invalid_request_error");
            }
            if ("text".equals(format)) {
                return Response.ok(text.get(), MediaType.TEXT_PLAIN).build();
            }
            return Response.ok(Map.of("text", text.get())).build();
        });
        return latency > 0 ? response.onItem().delayIt().by(Duration.ofMillis(latency)) : response;
    }

    /**
     * Text to speech, as OpenAI's {@code POST /v1/audio/speech}: JSON {@code model}, {@code input} (at most 4096
     * characters), {@code voice}, {@code response_format}. Only {@code opus} is made here (Ogg/Opus, what WhatsApp
     * plays as a voice note; other formats → 400): a sandbox voice note whose length follows the words (about 2.5
     * words a second) and which {@code /v1/audio/transcriptions} transcribes back to {@code input}. Maple faults
     * apply as to chat.
     */
    @POST
    @Path("/audio/speech")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({OggOpus.CONTENT_TYPE, MediaType.APPLICATION_JSON})
    public Uni<Response> speech(@HeaderParam("Authorization") String authorization, Map<String, Object> request) {
        var latency = faults.maple().latencyMs();
        Uni<Response> response = Uni.createFrom().item(() -> {
            var refused = refusal(authorization);
            if (refused != null) {
                return refused;
            }
            if (request == null || !(request.get("model") instanceof String model) || model.isBlank()) {
                return error(400, "'model' is required", "invalid_request_error");
            }
            if (!config.maple().speechModel().equals(model)) {
                return error(404, "The model `" + model + "` does not exist or you do not have access to it.",
                        "invalid_request_error");
            }
            if (!(request.get("input") instanceof String input) || input.isBlank()) {
                return error(400, "'input' is required", "invalid_request_error");
            }
            if (input.length() > MAX_SPEECH_INPUT) {
                return error(400, "'input' is longer than " + MAX_SPEECH_INPUT + " characters", "invalid_request_error");
            }
            if (!(request.get("voice") instanceof String voice) || voice.isBlank()) {
                return error(400, "'voice' is required", "invalid_request_error");
            }
            var format = request.get("response_format") == null ? "mp3" : String.valueOf(request.get("response_format"));
            if (!"opus".equals(format)) {
                return error(400, "The sandbox makes only response_format `opus` (Ogg/Opus), not `" + format + "`.",
                        "invalid_request_error");
            }
            var words = input.strip().split("\\s+").length;
            var seconds = Math.max(1.0, words / WORDS_PER_SECOND);
            return Response.ok(OggOpus.encode(input, seconds), OggOpus.CONTENT_TYPE).build();
        });
        return latency > 0 ? response.onItem().delayIt().by(Duration.ofMillis(latency)) : response;
    }

    /** The whole SSE stream as OpenAI sends it: role chunk, content chunks, stop chunk, usage chunk, [DONE]. */
    private String sse(String id, long created, String model, String answer, Map<String, Object> usage) {
        var out = new StringBuilder();
        out.append(chunk(id, created, model, Map.of("role", "assistant", "content", ""), null, null));
        for (var piece : answer.split("(?<= )")) {
            out.append(chunk(id, created, model, Map.of("content", piece), null, null));
        }
        out.append(chunk(id, created, model, Map.of(), "stop", null));
        if (usage != null) {
            out.append(chunk(id, created, model, null, null, usage));
        }
        out.append("data: [DONE]\n\n");
        return out.toString();
    }

    private String chunk(String id, long created, String model, Map<String, Object> delta, String finish,
                         Map<String, Object> usage) {
        var body = new LinkedHashMap<String, Object>();
        body.put("id", id);
        body.put("object", "chat.completion.chunk");
        body.put("created", created);
        body.put("model", model);
        if (delta != null) {
            var choice = new HashMap<String, Object>();
            choice.put("index", 0);
            choice.put("delta", delta);
            choice.put("finish_reason", finish);
            body.put("choices", List.of(choice));
        } else {
            body.put("choices", List.of());
            body.put("usage", usage);
        }
        try {
            return "data: " + mapper.writeValueAsString(body) + "\n\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What Maple answers before looking at the request: 401 without the key, or the fault set; null to go on. */
    private Response refusal(String authorization) {
        if (!authorized(authorization)) {
            return unauthorized();
        }
        var failure = faults.maple().failure();
        if (failure.isEmpty()) {
            return null;
        }
        return switch (failure.get()) {
            case "http429" -> error(429, "Too many requests", "rate_limit_error");
            case "drop" -> error(503, "Provider unavailable", "server_error");
            default -> error(500, "Internal server error", "server_error");
        };
    }

    private boolean authorized(String authorization) {
        return authorization != null && authorization.equals("Bearer " + config.maple().apiKey());
    }

    private static Response unauthorized() {
        return error(401, "Invalid API key", "invalid_request_error");
    }

    private static Response error(int status, String message, String type) {
        var error = new HashMap<String, Object>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", null);
        error.put("code", null);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", error)).build();
    }
}
