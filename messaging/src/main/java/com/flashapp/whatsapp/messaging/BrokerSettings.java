package com.flashapp.whatsapp.messaging;

import com.rabbitmq.client.ConnectionFactory;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

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
    private SSLContext sslContext;

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
        if (config.tls().enabled()) {
            factory.useSslProtocol(sslContext());
            if (config.tls().verifyHostname()) {
                factory.enableHostnameVerification();
            }
        }
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

    /** {@code host:port/vhost}, for log lines (no credentials); {@code amqps://} in front when TLS is on. */
    String address() {
        return (config.tls().enabled() ? "amqps://" : "") + host + ":" + port
                + ("/".equals(virtualHost) ? "" : "/" + virtualHost);
    }

    /** Trusts the configured store's CAs, or the JVM's when none is configured. Built once, on first connect. */
    private synchronized SSLContext sslContext() {
        if (sslContext == null) {
            try {
                var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                var store = config.tls().trustStore();
                if (store.isPresent()) {
                    var password = config.tls().trustStorePassword().orElse("").toCharArray();
                    var keyStore = KeyStore.getInstance("PKCS12");
                    try (var in = Files.newInputStream(Path.of(store.get()))) {
                        keyStore.load(in, password);
                    }
                    trust.init(keyStore);
                } else {
                    trust.init((KeyStore) null);
                }
                var context = SSLContext.getInstance("TLS");
                context.init(null, trust.getTrustManagers(), null);
                sslContext = context;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("messaging.tls.trust-store (RABBITMQ_TLS_TRUST_STORE) cannot be read: "
                        + e.getClass().getSimpleName(), e);
            }
        }
        return sslContext;
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
