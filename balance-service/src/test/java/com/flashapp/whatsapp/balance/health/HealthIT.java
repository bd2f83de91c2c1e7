package com.flashapp.whatsapp.balance.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The same health, metrics and OpenAPI checks against the packaged application (the JVM jar here; the native
 * binary where one is built with -Pnative), run by failsafe in the test command.
 */
@QuarkusIntegrationTest
class HealthIT extends HealthTest {
}
