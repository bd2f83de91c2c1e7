package com.flashapp.whatsapp.aisupport.knowledge;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;

/**
 * Reads the FAQ file from {@code classpath:…}, {@code file:…} or an {@code https://} URL (never plain http) and checks it (unique
 * ids, at least one question, an answer, quick-reply titles within WhatsApp's 20 characters). Blocking I/O.
 */
public final class FaqSource {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private FaqSource() {
    }

    /** Loads and validates the FAQ at {@code location} (blocking). */
    public static FaqFile load(String location) {
        try (var in = open(location)) {
            return validate(MAPPER.readValue(in, FaqFile.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read FAQ from " + location, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading the FAQ", e);
        }
    }

    static InputStream open(String location) throws IOException, InterruptedException {
        if (location.startsWith("classpath:")) {
            var path = location.substring("classpath:".length()).replaceFirst("^/", "");
            var in = Thread.currentThread().getContextClassLoader().getResourceAsStream(path);
            if (in == null) {
                throw new IOException("no classpath resource " + path);
            }
            return in;
        }
        if (location.startsWith("http://")) {
            // the FAQ grounds every answer and its links reach users: never over a connection anyone can rewrite
            throw new IOException("FAQ sources must be https:// (or classpath:/file:), not " + location);
        }
        if (location.startsWith("https://")) {
            var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            var response = client.send(HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(30))
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " from " + location);
            }
            return response.body();
        }
        var path = location.startsWith("file:") ? Path.of(URI.create(location)) : Path.of(location);
        return Files.newInputStream(path);
    }

    static FaqFile validate(FaqFile file) {
        var ids = new HashSet<String>();
        for (var e : file.entries()) {
            if (e.id() == null || e.id().isBlank() || !ids.add(e.id())) {
                throw new IllegalArgumentException("FAQ entry id missing or duplicated: " + e.id());
            }
            if (e.questions().isEmpty() || e.answer() == null || e.answer().isBlank()) {
                throw new IllegalArgumentException("FAQ entry " + e.id() + " needs questions and an answer");
            }
            if (e.suggestions().size() > 3 || e.suggestions().stream().anyMatch(s -> s.title().length() > 20)) {
                throw new IllegalArgumentException("FAQ entry " + e.id() + ": at most 3 suggestions, titles <= 20 chars");
            }
        }
        return file;
    }
}
