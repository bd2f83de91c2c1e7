package com.flashapp.whatsapp.messaging.testkit;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * What every service's health endpoints promise. A service's {@code @QuarkusTest class HealthTest extends
 * ServiceHealthTest} names the dependencies its readiness must check; its {@code HealthIT extends HealthTest} runs the
 * same against the packaged application.
 */
public abstract class ServiceHealthTest {

    /** The readiness check of the messaging module. */
    public static final String MESSAGING = "RabbitMQ";
    public static final String POSTGRESQL = "Reactive PostgreSQL connections health check";
    public static final String REDIS = "Redis connection health check";

    private final List<String> dependencies;

    protected ServiceHealthTest(String... dependencies) {
        this.dependencies = List.of(dependencies);
    }

    @Test
    void readinessChecksEachRealDependency() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems(dependencies.toArray(String[]::new)));
    }

    @Test
    void livenessDependsOnNothingDownstream() {
        given().get("/q/health/live").then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", not(hasItem(MESSAGING)))
                .body("checks.name", not(hasItem(POSTGRESQL)))
                .body("checks.name", not(hasItem(REDIS)))
                .body("checks.findAll { it.data != null && !it.data.isEmpty() }", empty());
    }

    @Test
    void exposesPrometheusMetricsAndOpenApi() {
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
