package com.flashapp.whatsapp.aisupport.health;

import com.flashapp.whatsapp.messaging.testkit.ServiceHealthTest;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness checks PostgreSQL, Redis and RabbitMQ; liveness calls nothing downstream. */
@QuarkusTest
class HealthTest extends ServiceHealthTest {

    HealthTest() {
        super(POSTGRESQL, REDIS, MESSAGING);
    }
}
