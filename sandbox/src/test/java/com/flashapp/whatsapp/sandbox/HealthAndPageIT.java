package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The same checks against the packaged sandbox, run by failsafe in the test command. */
@QuarkusIntegrationTest
class HealthAndPageIT extends HealthAndPageTest {
}
