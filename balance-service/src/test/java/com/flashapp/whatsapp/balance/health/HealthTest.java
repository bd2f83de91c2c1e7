package com.flashapp.whatsapp.balance.health;

import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.messaging.testkit.ServiceHealthTest;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Readiness checks PostgreSQL, Redis and RabbitMQ; liveness calls nothing downstream. */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
class HealthTest extends ServiceHealthTest {

    HealthTest() {
        super(POSTGRESQL, REDIS, MESSAGING);
    }
}
