package com.flashapp.whatsapp.aisupport;

import com.flashapp.whatsapp.messaging.testkit.FreshVirtualHost;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;

/**
 * Every test of this module runs on a RabbitMQ virtual host of its own, created afresh when the application starts:
 * the messages other modules' tests leave for this service's queues on the default virtual host (a queue declared by
 * an earlier run keeps collecting them) never reach it. A test resource applies to all the module's tests.
 */
@QuarkusTestResource(value = FreshVirtualHost.class, initArgs = @ResourceArg(name = "name", value = "flash-test-ai-support"))
public final class OwnVirtualHost {

    private OwnVirtualHost() {
    }
}
