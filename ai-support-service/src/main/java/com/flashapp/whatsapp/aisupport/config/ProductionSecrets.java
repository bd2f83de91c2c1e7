package com.flashapp.whatsapp.aisupport.config;

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
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Refuses to start, outside the dev, test and local profiles, while a secret holds a public development value: any
 * value the committed configuration gives it under a profile. A missing secret is refused here too, or one step
 * earlier by Quarkus' own configuration check ({@code SRCFG00011: Could not expand value VARIABLE}), since its
 * production value is {@code ${VARIABLE}} with no default.
 */
@ApplicationScoped
public class ProductionSecrets {

    /** Each secret's property and the variable (the key in the service's Kubernetes Secret) it is set from. */
    static final Map<String, String> SECRETS = new TreeMap<>(Map.of(
            "quarkus.datasource.password", "DB_PASSWORD",
            "app.support.maple.api-key", "MAPLE_API_KEY",
            "app.support.admin-token", "SUPPORT_ADMIN_TOKEN",
            "app.support.memory.key", "MEMORY_KEY",
            "rabbitmq-password", "RABBITMQ_PASSWORD",
            "app.support.voice.twilio.auth-token", "TWILIO_AUTH_TOKEN"));

    private static final Set<String> DEVELOPMENT_PROFILES = Set.of("dev", "test", "local");
    private static final Pattern DEFAULT = Pattern.compile("^\\$\\{[A-Za-z0-9_.\\-]+:(.*)}$");

    private final Config config;

    public ProductionSecrets(Config config) {
        this.config = config;
    }

    /** Runs before anything else observes start-up: nothing is consumed or served with a development secret. */
    void refuseDevelopmentSecrets(@Observes @Priority(1) StartupEvent event) {
        if (!Collections.disjoint(ConfigUtils.getProfiles(), DEVELOPMENT_PROFILES)) {
            return;
        }
        var development = developmentValues();
        var offending = new TreeSet<String>();
        secrets().forEach((variable, value) -> {
            if (value.isBlank() || development.contains(value)) {
                offending.add(variable);
            }
        });
        if (!offending.isEmpty()) {
            var line = "Refusing to start: " + String.join(", ", offending) + " must be set from the service's"
                    + " Secret; a missing or public development value is accepted only in the dev, test and local"
                    + " profiles";
            Log.error(line);
            throw new IllegalStateException(line);
        }
    }

    /** Variable -> the value its secret has now. */
    private Map<String, String> secrets() {
        var values = new TreeMap<String, String>();
        SECRETS.forEach((property, variable) ->
                values.put(variable, config.getOptionalValue(property, String.class).orElse("")));
        return values;
    }

    /** Every value a profile ({@code %dev.}, {@code %dev,test,local.}, …) gives a secret in the packaged files. */
    static Set<String> developmentValues() {
        var values = new HashSet<String>();
        try {
            var loader = Thread.currentThread().getContextClassLoader();
            for (var file : new String[] {"application.properties", "META-INF/microprofile-config.properties"}) {
                var urls = loader.getResources(file);
                while (urls.hasMoreElements()) {
                    var properties = new Properties();
                    try (InputStream in = urls.nextElement().openStream()) {
                        properties.load(in);
                    }
                    properties.forEach((key, value) -> collect((String) key, (String) value, values));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    private static void collect(String key, String value, Set<String> values) {
        var dot = key.indexOf('.');
        if (!key.startsWith("%") || dot < 0) {
            return;
        }
        var property = key.substring(dot + 1);
        if (SECRETS.containsKey(property)) {
            var fallback = DEFAULT.matcher(value.trim());
            var literal = fallback.matches() ? fallback.group(1) : value.trim();
            if (!literal.isBlank()) {
                values.add(literal);
            }
        }
    }
}
