package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

@QuarkusTest
class HealthAndPageTest {

    @Test
    void isReadyAndServesTheChatPage() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"))
                .body("checks.name", hasItems("flash-simulator"));
        given().get("/").then().statusCode(200).body(containsString("sandbox chat"));
        given().get("/chat.js").then().statusCode(200);
    }

    @Test
    void resetRestoresTheSeedUsers() {
        TestData.user(TestData.randomPhone(), "transient_user", 1, 1);
        given().delete("/sandbox/flash/users").then().statusCode(204);
        given().get("/sandbox/flash/users").then().statusCode(200)
                .body("username", hasItems("alice", "bob", "carol"))
                .body("size()", is(3));
    }
}
