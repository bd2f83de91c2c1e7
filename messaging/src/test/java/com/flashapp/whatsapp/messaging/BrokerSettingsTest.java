package com.flashapp.whatsapp.messaging;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker settings as the environment sets them ({@code RABBITMQ_TLS_*} through this jar's
 * {@code microprofile-config.properties}), and what they make of a connection. The last test connects to the local
 * broker's plain AMQP port with TLS on: the handshake must fail, which proves the client speaks TLS.
 */
class BrokerSettingsTest {

    private static final Path DEFAULTS = Path.of("src/main/resources/META-INF/microprofile-config.properties");

    @TempDir
    Path dir;

    @Test
    void tlsIsOffByDefault() throws IOException {
        var config = config(Map.of());
        assertFalse(config.tls().enabled());
        assertTrue(config.tls().verifyHostname(), "hostname verification is on whenever TLS is");
        var settings = settings(config, 5672);
        assertFalse(settings.factory().isSSL());
        assertEquals("localhost:5672", settings.address());
    }

    @Test
    void theEnvironmentTurnsTlsOnWithATrustStore() throws Exception {
        var store = trustStore("secret");
        var config = config(Map.of("RABBITMQ_TLS_ENABLED", "true", "RABBITMQ_TLS_TRUST_STORE", store.toString(),
                "RABBITMQ_TLS_TRUST_STORE_PASSWORD", "secret", "RABBITMQ_TLS_VERIFY_HOSTNAME", "false"));
        assertTrue(config.tls().enabled());
        assertEquals(Optional.of(store.toString()), config.tls().trustStore());
        assertEquals(Optional.of("secret"), config.tls().trustStorePassword());
        assertFalse(config.tls().verifyHostname());
        var settings = settings(config, 5671);
        assertTrue(settings.factory().isSSL());
        assertEquals("amqps://localhost:5671", settings.address(), "log lines say the connection is TLS");
    }

    @Test
    void aTrustStoreThatCannotBeReadIsAClearError() throws Exception {
        var config = config(Map.of("RABBITMQ_TLS_ENABLED", "true",
                "RABBITMQ_TLS_TRUST_STORE", dir.resolve("missing.p12").toString()));
        var error = assertThrows(IllegalStateException.class, () -> settings(config, 5671).factory());
        assertTrue(error.getMessage().contains("RABBITMQ_TLS_TRUST_STORE"), error.getMessage());
        var wrongPassword = config(Map.of("RABBITMQ_TLS_ENABLED", "true",
                "RABBITMQ_TLS_TRUST_STORE", trustStore("secret").toString(),
                "RABBITMQ_TLS_TRUST_STORE_PASSWORD", "wrong"));
        assertThrows(IllegalStateException.class, () -> settings(wrongPassword, 5671).factory());
    }

    @Test
    void withTlsOnTheClientSpeaksTlsSoThePlainAmqpPortFailsTheHandshake() throws Exception {
        var config = config(Map.of("RABBITMQ_TLS_ENABLED", "true"));
        var factory = settings(config, 5672).factory();
        var error = assertThrows(Exception.class, () -> factory.newConnection("tls-test").close());
        assertTrue(causedBy(error, SSLException.class), "a TLS handshake failure, not " + error);
        // the same broker, plain AMQP: it is there (so the failure above is TLS's)
        settings(config(Map.of()), 5672).factory().newConnection("plain-test").close();
    }

    // ---------------------------------------------------------------- helpers

    private static MessagingConfig config(Map<String, String> environment) throws IOException {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors() // expands ${RABBITMQ_TLS_ENABLED:false} and the like
                .withSources(new PropertiesConfigSource(DEFAULTS.toUri().toURL(), 100))
                .withSources(new PropertiesConfigSource(new HashMap<>(environment), "environment", 300))
                .withConverter(Duration.class, 100, new DurationConverter()) // Quarkus' "5s" form
                .withMapping(MessagingConfig.class)
                .build()
                .getConfigMapping(MessagingConfig.class);
    }

    private static BrokerSettings settings(MessagingConfig config, int port) {
        return new BrokerSettings("localhost", port, "guest", Optional.of("guest"), "/", "test", config);
    }

    /** A PKCS#12 trust store with one CA (taken from the JVM's own). */
    private Path trustStore(String password) throws Exception {
        var jvm = KeyStore.getInstance(KeyStore.getDefaultType());
        try (var in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
            jvm.load(in, null);
        }
        var alias = jvm.aliases().nextElement();
        var store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", jvm.getCertificate(alias));
        var file = Files.createTempFile(dir, "trust", ".p12");
        try (var out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (var e = error; e != null; e = e.getCause()) {
            if (type.isInstance(e)) {
                return true;
            }
        }
        return false;
    }
}
