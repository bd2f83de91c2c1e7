package com.flashapp.whatsapp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The sandbox's HTTP API (control endpoints, the Flash simulator's GraphQL) on one suite's sandbox port. */
final class Sandbox {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    Sandbox(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    JsonNode post(String path, String json) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("POST " + path + " → " + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    void delete(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).DELETE().build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError("DELETE " + path + " → " + response.statusCode() + " " + response.body());
        }
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build();
        var response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + " → " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** A GraphQL call to the Flash simulator, as the Flash app would make it with the user's token (or none). */
    JsonNode graphql(String token, String query) throws IOException, InterruptedException {
        var builder = HttpRequest.newBuilder(URI.create(base + "/graphql"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.createObjectNode().put("query", query).toString()));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        var response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        var body = JSON.readTree(response.body());
        if (response.statusCode() != 200 || body.has("errors")) {
            throw new AssertionError("GraphQL " + response.statusCode() + " " + response.body());
        }
        return body.path("data");
    }

    /** The login code Flash sends the user by SMS, as the Flash app asks for it. */
    String requestFlashCode(String phone) throws IOException, InterruptedException {
        var data = graphql(null, "mutation { userPhoneRegistrationInitiate(input: {phone: \"" + phone
                + "\", channel: SMS}) { errors { message } success } }");
        if (!data.path("userPhoneRegistrationInitiate").path("success").asBoolean()) {
            throw new AssertionError("no login code for " + phone + ": " + data);
        }
        return get("/sandbox/flash/otp?phone=" + phone.replace("+", "%2B")).path("code").asText();
    }

    /** Twilio's media URL as the product fetches it: Basic auth with the sandbox's documented account. */
    static HttpResponse<byte[]> fetchTwilioMedia(String url) throws IOException, InterruptedException {
        var basic = java.util.Base64.getEncoder().encodeToString(
                "AC00000000000000000000000000000000:0123456789abcdef0123456789abcdef"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + basic).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> fetch(String url) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
