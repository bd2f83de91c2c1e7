package com.flashapp.whatsapp.messaging;

import com.rabbitmq.client.ConnectionFactory;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Where the broker is and how to connect: one {@link ConnectionFactory} per connection this service opens (one for
 * consuming, one for publishing: a publisher the broker throttles must not slow acknowledgements down).
 * The client's own automatic recovery stays off: {@link Consumers} and {@link Publisher} reconnect themselves, so
 * they know exactly which deliveries and confirms a lost connection took with it.
 */
@ApplicationScoped
public class BrokerSettings {

    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String virtualHost;
    private final String application;
    private final MessagingConfig config;

    public BrokerSettings(@ConfigProperty(name = "rabbitmq-host") String host,
                          @ConfigProperty(name = "rabbitmq-port") int port,
                          @ConfigProperty(name = "rabbitmq-username") String username,
                          @ConfigProperty(name = "rabbitmq-password") Optional<String> password,
                          @ConfigProperty(name = "rabbitmq-virtual-host") String virtualHost,
                          @ConfigProperty(name = "quarkus.application.name", defaultValue = "app") String application,
                          MessagingConfig config) {
        this.host = host;
        this.port = port;
        this.username = username;
        // empty only in a profile where the service's own start-up check has refused it already
        this.password = password.orElse("");
        this.virtualHost = virtualHost;
        this.application = application;
        this.config = config;
    }

    ConnectionFactory factory() {
        var factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout((int) config.connectTimeout().toMillis());
        factory.setHandshakeTimeout((int) config.connectTimeout().toMillis());
        factory.setRequestedHeartbeat((int) Math.max(1, config.heartbeat().toSeconds()));
        factory.setAutomaticRecoveryEnabled(false);
        factory.setTopologyRecoveryEnabled(false);
        return factory;
    }

    /** {@code host:port/vhost}, for log lines (no credentials). */
    String address() {
        return host + ":" + port + ("/".equals(virtualHost) ? "" : "/" + virtualHost);
    }

    String virtualHost() {
        return virtualHost;
    }

    /** Connection names shown in the management UI: {@code <application>-<role>-<instance>#<generation>}. */
    String connectionName(String role, String instance, int generation) {
        return application + "-" + role + "-" + instance + "#" + generation;
    }

    String exchange(String name) {
        return config.exchangePrefix().orElse("") + name;
    }
}
