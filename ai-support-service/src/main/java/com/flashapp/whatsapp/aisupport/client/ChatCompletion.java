package com.flashapp.whatsapp.aisupport.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** The OpenAI-compatible {@code /v1/chat/completions} shapes we use (unknown fields ignored). */
public final class ChatCompletion {

    private ChatCompletion() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Request(String model, List<Message> messages, Double temperature,
                          @JsonProperty("max_tokens") Integer maxTokens, Boolean stream) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, String content) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Response(String id, String model, List<Choice> choices, Usage usage) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens,
                        @JsonProperty("total_tokens") int totalTokens) {
    }

    /** {@code GET /v1/models}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Models(List<Model> data) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Model(String id) {
    }

    /** What the answering service needs from a completion. */
    public record Result(String text, int promptTokens, int completionTokens) {
    }
}
