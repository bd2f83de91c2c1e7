package com.flashapp.whatsapp.aisupport.client;

import com.fasterxml.jackson.annotation.JsonProperty;

/** OpenAI's text to speech ({@code POST /v1/audio/speech}): the request; the answer is the audio bytes. */
public final class Speech {

    private Speech() {
    }

    /** {@code response_format=opus} asks for Ogg/Opus, the container WhatsApp plays as a voice note. */
    public record Request(String model, String input, String voice,
                          @JsonProperty("response_format") String responseFormat) {
    }
}
