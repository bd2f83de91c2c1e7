package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
class MapleStandInTest {

    static final String KEY = "Bearer sandbox-maple-key";
    static final Map<String, Object> REQUEST = Map.of("model", "llama-3.3-70b", "messages", List.of(
            Map.of("role", "system", "content", "You are Flash support. Use only these passages.\n"
                    + "[1] Sending money\nTo send money, type send 5 to @bob and reply YES to confirm.\n"
                    + "[2] Fees\nIntra-ledger payments are free."),
            Map.of("role", "user", "content", "How do I send money?")));

    @AfterEach
    void clearFaults() {
        given().delete("/sandbox/maple/faults").then().statusCode(204);
    }

    @Test
    void listsTheConfiguredModel() {
        given().header("Authorization", KEY).get("/v1/models").then().statusCode(200)
                .body("object", is("list")).body("data[0].id", is("llama-3.3-70b"));
    }

    @Test
    void answersByQuotingTheFirstPassageWithUsage() {
        given().header("Authorization", KEY).contentType(ContentType.JSON).body(REQUEST)
                .post("/v1/chat/completions").then().statusCode(200)
                .body("object", is("chat.completion"))
                .body("choices[0].message.role", is("assistant"))
                .body("choices[0].message.content", containsString("To send money, type send 5 to @bob"))
                .body("choices[0].finish_reason", is("stop"))
                .body("usage.prompt_tokens", greaterThan(10))
                .body("usage.total_tokens", greaterThan(10));
    }

    @Test
    void quotesTheAnswerOfAQuestionAnswerPassage() {
        var request = Map.of("model", "llama-3.3-70b", "messages", List.of(
                Map.of("role", "system", "content", "You are Flash Support.\nHard rules:\n1. Answer only from the FAQ."
                        + "\n\nFAQ passages (most relevant first):\n[1] Q: How do I receive money?"
                        + "\nA: Type *receive* and share the invoice with the payer."),
                Map.of("role", "user", "content", "how to get paid")));
        given().header("Authorization", KEY).contentType(ContentType.JSON).body(request)
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content",
                        containsString("\"Type *receive* and share the invoice with the payer.\""));
    }

    @Test
    void saysItIsNotSureWithoutPassages() {
        var request = Map.of("model", "llama-3.3-70b", "messages", List.of(
                Map.of("role", "system", "content", "FAQ passages (most relevant first):\n(none matched this question)"),
                Map.of("role", "user", "content", "what is the meaning of life")));
        given().header("Authorization", KEY).contentType(ContentType.JSON).body(request)
                .post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", containsString("could not find"));
    }

    @Test
    void streamsSseChunksEndingWithDone() {
        var body = new HashMap<>(REQUEST);
        body.put("stream", true);
        body.put("stream_options", Map.of("include_usage", true));
        var text = given().header("Authorization", KEY).contentType(ContentType.JSON).body(body)
                .post("/v1/chat/completions").then().statusCode(200)
                .contentType(containsString("text/event-stream")).extract().asString();
        assertTrue(text.contains("\"object\":\"chat.completion.chunk\""));
        assertTrue(text.contains("\"finish_reason\":\"stop\""));
        assertTrue(text.contains("\"usage\""));
        assertTrue(text.trim().endsWith("data: [DONE]"));
    }

    @Test
    void rejectsAWrongKeyAndUnknownModel() {
        given().header("Authorization", "Bearer nope").contentType(ContentType.JSON).body(REQUEST)
                .post("/v1/chat/completions").then().statusCode(401).body("error.type", is("invalid_request_error"));
        var wrongModel = new HashMap<>(REQUEST);
        wrongModel.put("model", "gpt-99");
        given().header("Authorization", KEY).contentType(ContentType.JSON).body(wrongModel)
                .post("/v1/chat/completions").then().statusCode(404);
    }

    @Test
    void faultsAnswer429() {
        given().contentType(ContentType.JSON).body(Map.of("mode", "http429", "rate", 1, "durationSeconds", 30))
                .post("/sandbox/maple/faults").then().statusCode(200);
        given().header("Authorization", KEY).contentType(ContentType.JSON).body(REQUEST)
                .post("/v1/chat/completions").then().statusCode(429);
    }
}
