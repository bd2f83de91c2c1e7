package com.flashapp.whatsapp.messaging.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Puts a {@link BrokerProxy} between the application under test and the real broker (init arg {@code vhost}: also a
 * fresh virtual host of its own), and hands it to the test's {@code BrokerProxy} field. The test's own
 * {@link TestBroker} and {@link BrokerTap} still reach the broker directly ({@code test.rabbitmq-port}).
 */
public class ProxiedBroker implements QuarkusTestResourceLifecycleManager {

    private BrokerProxy proxy;
    private String vhost;

    @Override
    public void init(Map<String, String> initArgs) {
        vhost = initArgs.get("vhost");
    }

    @Override
    public Map<String, String> start() {
        if (vhost != null) {
            new FreshVirtualHost().recreate(vhost);
        }
        try {
            proxy = new BrokerProxy("127.0.0.1", 5672);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var config = new HashMap<String, String>();
        if (vhost != null) {
            config.put("rabbitmq-virtual-host", vhost);
        }
        config.put("rabbitmq-port", Integer.toString(proxy.port()));
        config.put("test.rabbitmq-port", "5672");
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(proxy, new TestInjector.MatchesType(BrokerProxy.class));
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }
}
