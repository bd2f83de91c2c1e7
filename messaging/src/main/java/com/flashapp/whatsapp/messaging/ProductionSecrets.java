package com.flashapp.whatsapp.messaging;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Refuses to start, outside the dev, test and local profiles, while a secret is missing or holds a public
 * development value: any value the committed configuration gives it under a profile. Every service connects to the
 * broker with a password, so this module checks it; each service names its other secrets in
 * {@code messaging.production-secrets} ({@code DB_PASSWORD=quarkus.datasource.password, …}). A missing secret is
 * usually refused one step earlier by Quarkus itself ({@code SRCFG00011: Could not expand value VARIABLE}), since its
 * production value is {@code ${VARIABLE}} with no default. The line names variables, never values.
 */
@ApplicationScoped
public class ProductionSecrets {

    static final String BROKER_PASSWORD = "RABBITMQ_PASSWORD=rabbitmq-password";
    private static final Set<String> DEVELOPMENT_PROFILES = Set.of("dev", "test", "local");
    private static final Pattern DEFAULT = Pattern.compile("^\\$\\{[A-Za-z0-9_.\\-]+:(.*)}$");
    private static final String[] FILES = {"application.properties", "META-INF/microprofile-config.properties"};

    /** One declared secret: a property, or every property under a prefix ({@code VARIABLE_*=prefix.*}). */
    record Secret(String variable, String property) {

        static Secret parse(String declaration) {
            var eq = declaration.indexOf('=');
            if (eq <= 0 || eq == declaration.length() - 1) {
                throw new IllegalArgumentException("messaging.production-secrets: '" + declaration
                        + "' is not VARIABLE=property");
            }
            return new Secret(declaration.substring(0, eq).trim(), declaration.substring(eq + 1).trim());
        }

        boolean prefix() {
            return property.endsWith(".*");
        }

        /** Whether a property name (as a file writes it, or as an environment variable) is this secret. */
        boolean covers(String name) {
            if (!prefix()) {
                return name.equals(property);
            }
            return name.startsWith(property.substring(0, property.length() - 1))
                    || name.startsWith(variable.substring(0, variable.length() - 1));
        }

        /** The variable a covered property is set from: {@code BALANCE_CRYPTO_KEYS_K1} for {@code …keys.k1}. */
        String variableOf(String name) {
            if (!prefix() || name.startsWith(variable.substring(0, variable.length() - 1))) {
                return prefix() ? name : variable;
            }
            var suffix = name.substring(property.length() - 1).toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
            return variable.substring(0, variable.length() - 1) + suffix;
        }
    }

    private final Config config;
    private final List<Secret> secrets;

    public ProductionSecrets(Config config, MessagingConfig messaging) {
        this.config = config;
        var declared = new java.util.ArrayList<Secret>();
        declared.add(Secret.parse(BROKER_PASSWORD));
        messaging.productionSecrets().orElse(List.of()).stream().filter(d -> !d.isBlank())
                .map(Secret::parse).forEach(declared::add);
        this.secrets = List.copyOf(declared);
    }

    /** Whether a development profile (dev, test or local) is active: where test hooks and public values may be set. */
    public static boolean developmentProfile() {
        return ConfigUtils.getProfiles().stream().anyMatch(DEVELOPMENT_PROFILES::contains);
    }

    /** Runs before anything else observes start-up: nothing is consumed or served with a development secret. */
    void refuseDevelopmentSecrets(@Observes @Priority(1) StartupEvent event) {
        if (developmentProfile()) {
            return;
        }
        var offending = offending(current(), developmentValues(secrets, FILES));
        if (!offending.isEmpty()) {
            var line = "Refusing to start: " + String.join(", ", offending) + " must be set from the service's"
                    + " Secret; a missing or public development value is accepted only in the dev, test and local"
                    + " profiles";
            Log.error(line);
            throw new IllegalStateException(line);
        }
    }

    /** The variables whose value is blank or one of the development values. */
    static Set<String> offending(Map<String, String> current, Collection<String> development) {
        var offending = new TreeSet<String>();
        current.forEach((variable, value) -> {
            if (value.isBlank() || development.contains(value)) {
                offending.add(variable);
            }
        });
        return offending;
    }

    /** Variable -> the value its secret has now ("" when unset). */
    private Map<String, String> current() {
        var values = new TreeMap<String, String>();
        for (var secret : secrets) {
            if (secret.prefix()) {
                for (var name : config.getPropertyNames()) {
                    if (secret.covers(name)) {
                        values.put(secret.variableOf(name), config.getOptionalValue(name, String.class).orElse(""));
                    }
                }
            } else {
                values.put(secret.variable(),
                        config.getOptionalValue(secret.property(), String.class).orElse(""));
            }
        }
        return values;
    }

    /** Every value a profile ({@code %dev.}, {@code %dev,test,local.}, …) gives a secret in the packaged files. */
    static Set<String> developmentValues(List<Secret> secrets, String... files) {
        var values = new HashSet<String>();
        try {
            var loader = Thread.currentThread().getContextClassLoader();
            for (var file : files) {
                var urls = loader.getResources(file);
                while (urls.hasMoreElements()) {
                    var properties = new Properties();
                    try (InputStream in = urls.nextElement().openStream()) {
                        properties.load(in);
                    }
                    properties.forEach((key, value) -> collect((String) key, (String) value, secrets, values));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    private static void collect(String key, String value, List<Secret> secrets, Set<String> values) {
        var dot = key.indexOf('.');
        if (!key.startsWith("%") || dot < 0) {
            return;
        }
        var property = key.substring(dot + 1);
        if (secrets.stream().anyMatch(s -> s.covers(property))) {
            var fallback = DEFAULT.matcher(value.trim());
            var literal = fallback.matches() ? fallback.group(1) : value.trim();
            if (!literal.isBlank()) {
                values.add(literal);
            }
        }
    }
}
