package com.flashapp.whatsapp.messaging.testkit;

import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;

import java.net.URL;
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
 * same against the packaged application. Health, metrics and the OpenAPI document are served on the management
 * interface only ({@code quarkus.management.enabled}; in tests on {@code quarkus.management.test-port}), never on the
 * HTTP port, so a NetworkPolicy can let monitoring reach them without reaching the service's API.
 */
public abstract class ServiceHealthTest {

    /** The readiness check of the messaging module. */
    public static final String MESSAGING = "RabbitMQ";
    public static final String POSTGRESQL = "Reactive PostgreSQL connections health check";
    public static final String REDIS = "Redis connection health check";

    private final List<String> dependencies;

    @TestHTTPResource(value = "health/ready", management = true)
    URL readiness;

    @TestHTTPResource(value = "health/live", management = true)
    URL liveness;

    @TestHTTPResource(value = "metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "openapi", management = true)
    URL openApi;

    protected ServiceHealthTest(String... dependencies) {
        this.dependencies = List.of(dependencies);
    }

    @Test
    void readinessChecksEachRealDependency() {
        given().get(readiness).then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", hasItems(dependencies.toArray(String[]::new)));
    }

    @Test
    void livenessDependsOnNothingDownstream() {
        given().get(liveness).then().statusCode(200)
                .body("status", is("UP"))
                .body("checks.name", not(hasItem(MESSAGING)))
                .body("checks.name", not(hasItem(POSTGRESQL)))
                .body("checks.name", not(hasItem(REDIS)))
                .body("checks.findAll { it.data != null && !it.data.isEmpty() }", empty());
    }

    @Test
    void exposesPrometheusMetricsAndOpenApiOnTheManagementPort() {
        given().get(metrics).then().statusCode(200);
        given().get(openApi).then().statusCode(200);
    }

    @Test
    void theHttpPortServesNeitherHealthNorMetricsNorOpenApi() {
        for (var path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/health/started", "/q/metrics",
                "/q/openapi")) {
            given().get(path).then().statusCode(404);
        }
    }
}
