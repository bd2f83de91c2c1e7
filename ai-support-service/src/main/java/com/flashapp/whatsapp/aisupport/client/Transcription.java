package com.flashapp.whatsapp.aisupport.client;

/** OpenAI's transcription answer ({@code response_format=json}): {@code {"text": "…"}}; other fields ignored. */
public record Transcription(String text) {
}
