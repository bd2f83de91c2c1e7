package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

@QuarkusTest
class SandboxResourceTest {

    @Test
    void startsAndSaysWhatItStandsFor() {
        given().get("/sandbox").then().statusCode(200).body("standsInFor", hasItem("Twilio Messages API"));
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }
}
