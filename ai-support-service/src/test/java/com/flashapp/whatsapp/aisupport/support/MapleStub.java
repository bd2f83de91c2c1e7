package com.flashapp.whatsapp.aisupport.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

/**
 * An OpenAI-compatible stand-in for maple-proxy: WireMock on a free port, answering canned completions and recording
 * every prompt. Tests reach it through {@link #server()}.
 */
public class MapleStub implements QuarkusTestResourceLifecycleManager {

    public static final String PATH = "/v1/chat/completions";
    public static final String CANNED = "Type *send 10 to @cousin* and confirm with YES. It's that easy! 🙂";

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    /** Every chat call answers the canned completion. */
    public static void answerNormally() {
        server.resetAll();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(completion(CANNED))));
        server.stubFor(WireMock.get(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\": \"list\", \"data\": [{\"id\": \"llama-3.3-70b\", \"object\": \"model\"}]}")));
    }

    /** Every chat call answers {@code content}. */
    public static void answerWith(String content) {
        server.resetAll();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(completion(content))));
    }

    public static void failWith(int status) {
        server.resetAll();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\": " + status + ", \"message\": \"provider unavailable\"}")));
    }

    public static void answerSlowly(int delayMillis) {
        server.resetAll();
        server.stubFor(post(urlEqualTo(PATH)).willReturn(aResponse().withStatus(200).withFixedDelay(delayMillis)
                .withHeader("Content-Type", "application/json").withBody(completion(CANNED))));
    }

    /**
     * Calls whose prompt contains {@code text}. The support.requests exchange is shared: while tests run, other
     * modules' tests may publish questions that this app answers too, so tests count only their own prompts.
     */
    public static int calls(String text) {
        return prompts(text).size();
    }

    public static java.util.List<com.github.tomakehurst.wiremock.verification.LoggedRequest> prompts(String text) {
        return server.findAll(WireMock.postRequestedFor(urlEqualTo(PATH))).stream()
                .filter(r -> r.getBodyAsString().contains(text)).toList();
    }

    static String completion(String content) {
        return """
                {"id": "chatcmpl-1", "object": "chat.completion", "model": "llama-3.3-70b",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "%s"}, "finish_reason": "stop"}],
                 "usage": {"prompt_tokens": 420, "completion_tokens": 24, "total_tokens": 444}}""".formatted(content);
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        answerNormally();
        // the same WireMock plays Twilio's media API for voice notes (VoiceNoteTest)
        return Map.of("quarkus.rest-client.maple.url", server.baseUrl() + "/v1",
                "app.support.voice.twilio.base-url", server.baseUrl());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
