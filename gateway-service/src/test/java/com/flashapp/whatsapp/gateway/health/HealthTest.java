package com.flashapp.whatsapp.gateway.health;

import com.flashapp.whatsapp.messaging.testkit.ServiceHealthTest;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness checks Redis and RabbitMQ (publisher and the media consumer); liveness calls nothing downstream. */
@QuarkusTest
class HealthTest extends ServiceHealthTest {

    HealthTest() {
        super(REDIS, MESSAGING);
    }
}
