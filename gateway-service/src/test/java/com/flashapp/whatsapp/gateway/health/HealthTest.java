package com.flashapp.whatsapp.gateway.health;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;

/** Readiness reflects the real dependencies; liveness calls nothing downstream. */
@QuarkusTest
class HealthTest {

    @Test
    void readinessChecksEachRealDependency() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems("Redis connection health check", "SmallRye Reactive Messaging - readiness check",
                        "RabbitMQ publisher"));
    }

    @Test
    void livenessDependsOnNothingDownstream() {
        given().get("/q/health/live").then().statusCode(200)
                .body("status", is("UP"))
                // the messaging liveness check stays registered, but with no channel (and so no broker) in it
                .body("checks.findAll { it.data != null && !it.data.isEmpty() }", empty());
    }

    @Test
    void exposesPrometheusMetricsAndOpenApi() {
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
