package com.flashapp.whatsapp.notification.health;

import com.flashapp.whatsapp.messaging.testkit.ServiceHealthTest;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness checks PostgreSQL and RabbitMQ; liveness calls nothing downstream. */
@QuarkusTest
class HealthTest extends ServiceHealthTest {

    HealthTest() {
        super(POSTGRESQL, MESSAGING);
    }
}
