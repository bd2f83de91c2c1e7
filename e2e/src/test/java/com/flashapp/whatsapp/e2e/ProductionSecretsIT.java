package com.flashapp.whatsapp.e2e;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each of the five packaged services, started as production starts it ({@code java -jar quarkus-run.jar}, prod
 * profile), refuses to start while a secret is missing or holds a public development value, and says which variable
 * in one line. Two ways per service:
 * <ul>
 *   <li>every secret at its development value (the fallback application.properties gives it in the dev, test and
 *   local profiles), read from a mounted properties file as in Kubernetes ({@code QUARKUS_CONFIG_LOCATIONS}): the
 *   refusal line names exactly the service's secret variables;</li>
 *   <li>every secret a strong random value but one, left unset (environment variables this time): the service exits
 *   and names that variable (for a secret the start-up check reads, the line names it alone: the strong ones were
 *   accepted).</li>
 * </ul>
 * The refusal comes before anything is consumed or served: Flyway's start-up migration is switched off so no
 * database is touched (a strong DB_PASSWORD would not log in to the local PostgreSQL anyway), Redis points at an
 * unused database and RabbitMQ at a virtual host that does not exist.
 */
class ProductionSecretsIT {

    private static final Path ROOT = Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize();
    private static final Path LOGS = Path.of(System.getProperty("e2e.logs", "target/e2e-logs")).resolve("secrets");
    private static final int FIRST_PORT = 18380;
    private static final Pattern FALLBACK =
            Pattern.compile("^%dev,test,local\\.([^=]+)=\\$\\{([A-Z0-9_]+):(.*)}$");
    private static final Pattern REFUSAL = Pattern.compile("Refusing to start: ([A-Z0-9_, ]+) must be set");

    /** The secret variables of each service: what its Kubernetes Secret must hold. */
    private static final Map<String, Set<String>> SECRETS = new LinkedHashMap<>();

    static {
        // REDIS_URL carries the service's own Redis ACL password (redis://<service>:<password>@host:6379)
        SECRETS.put("gateway-service", Set.of("GATEWAY_USER_REF_KEY", "TWILIO_AUTH_TOKEN", "FLASH_WEBHOOK_SECRET",
                "GATEWAY_MEDIA_SIGNING_KEY", "RABBITMQ_PASSWORD", "REDIS_URL"));
        SECRETS.put("command-service", Set.of("DB_PASSWORD", "COMMAND_ADMIN_LOOKUP_KEY", "RABBITMQ_PASSWORD",
                "REDIS_URL"));
        SECRETS.put("balance-service", Set.of("DB_PASSWORD", "GATEWAY_MEDIA_SIGNING_KEY", "WALLET_DIRECTORY_HASH_KEY",
                "TWILIO_AUTH_TOKEN", "RABBITMQ_PASSWORD", "REDIS_URL"));
        SECRETS.put("notification-service", Set.of("DB_PASSWORD", "TWILIO_AUTH_TOKEN", "RABBITMQ_PASSWORD",
                "ADDRESS_KEY"));
        SECRETS.put("ai-support-service", Set.of("DB_PASSWORD", "MAPLE_API_KEY", "SUPPORT_ADMIN_TOKEN", "MEMORY_KEY",
                "TWILIO_AUTH_TOKEN", "GATEWAY_MEDIA_SIGNING_KEY", "RABBITMQ_PASSWORD", "REDIS_URL"));
    }

    /** Read by the start-up check itself (the others fail in Quarkus' configuration check, before it). */
    private static final Set<String> CHECKED_AT_STARTUP = Set.of("RABBITMQ_PASSWORD");

    private static final SecureRandom RANDOM = new SecureRandom();

    @TestFactory
    Stream<DynamicTest> everyServiceRefusesItsDevelopmentSecrets() {
        var port = new int[] {FIRST_PORT};
        return SECRETS.entrySet().stream().map(service -> DynamicTest.dynamicTest(service.getKey(), () -> {
            var development = developmentValues(service.getKey());
            assertEquals(service.getValue(), development.keySet(),
                    "application.properties has a development fallback for exactly these secrets");
            var file = new LinkedHashMap<>(development);
            var expected = new TreeSet<>(service.getValue());
            if (service.getKey().equals("balance-service")) {
                // the dev profile's token encryption key (in a file, a map entry is named as the property)
                file.put("BALANCE_CRYPTO_ACTIVE_KEY_ID", "dev");
                file.put("balance.crypto.keys.dev", developmentTokenKey());
                expected.add("BALANCE_CRYPTO_KEYS_DEV");
            }
            var run = start(service.getKey(), "development", Map.of(), file, port[0]++);
            assertNotEquals(0, run.exitCode(), service.getKey() + " started with development secrets; see " + run.log);
            assertEquals(expected, run.refused(), "the refusal line names every development secret; see " + run.log);
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyServiceRefusesToStartWithoutEachSecret() {
        var port = new int[] {FIRST_PORT + 10};
        var tests = new ArrayList<DynamicTest>();
        SECRETS.forEach((service, variables) -> {
            for (var missing : new TreeSet<>(variables)) {
                tests.add(DynamicTest.dynamicTest(service + " without " + missing, () -> {
                    var env = new LinkedHashMap<String, String>();
                    for (var variable : variables) {
                        if (!variable.equals(missing)) {
                            env.put(variable, strong(variable));
                        }
                    }
                    if (service.equals("balance-service")) {
                        env.put("BALANCE_CRYPTO_ACTIVE_KEY_ID", "it");
                        env.put("BALANCE_CRYPTO_KEYS_IT", strongKey());
                    }
                    var run = start(service, "without-" + missing, env, Map.of(), port[0]++);
                    assertNotEquals(0, run.exitCode(), service + " started without " + missing + "; see " + run.log);
                    var output = Files.readString(run.log);
                    assertTrue(output.contains(missing), "the failure names " + missing + "; see " + run.log);
                    if (CHECKED_AT_STARTUP.contains(missing)) {
                        assertEquals(Set.of(missing), run.refused(), "only the missing one; see " + run.log);
                    }
                }));
            }
        });
        return tests.stream();
    }

    // ---------------------------------------------------------------- helpers

    private record Run(int exitCode, Path log) {

        /** The variables named by the start-up check's refusal line (empty: no such line). */
        Set<String> refused() throws IOException {
            var matcher = REFUSAL.matcher(Files.readString(log));
            var named = new TreeSet<String>();
            if (matcher.find()) {
                Arrays.stream(matcher.group(1).split(",")).map(String::trim).forEach(named::add);
            }
            return named;
        }
    }

    /**
     * Starts the packaged service in the prod profile with exactly these secrets: {@code env} as environment
     * variables, {@code file} as a properties file named by {@code QUARKUS_CONFIG_LOCATIONS}.
     */
    private static Run start(String service, String name, Map<String, String> env, Map<String, String> file, int port)
            throws Exception {
        var jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: package the apps first (./mvnw package)");
        Files.createDirectories(LOGS);
        var log = LOGS.resolve(service + "-" + name + ".log");
        var command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + (port + Apps.MANAGEMENT_PORT_OFFSET),
                "-Dquarkus.flyway.migrate-at-start=false",
                "-Drabbitmq-virtual-host=flash-production-secrets-it",
                "-jar", jar.toString());
        var directory = Files.createTempDirectory("secrets-it"); // no .env file of a developer's
        var builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        var environment = builder.environment();
        SECRETS.values().forEach(variables -> variables.forEach(environment::remove));
        environment.keySet().removeIf(k -> k.startsWith("BALANCE_CRYPTO_") || k.startsWith("QUARKUS_"));
        environment.putAll(env);
        if (!file.isEmpty()) {
            var properties = directory.resolve("secrets.properties");
            var lines = new ArrayList<String>();
            file.forEach((key, value) -> lines.add(key + "=" + value));
            Files.write(properties, lines);
            environment.put("QUARKUS_CONFIG_LOCATIONS", properties.toString());
        }
        var process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            return new Run(0, log); // still running: it did not refuse
        }
        return new Run(process.exitValue(), log);
    }

    /** Variable -> the development value application.properties (or the messaging module's defaults) falls back to. */
    private static Map<String, String> developmentValues(String service) throws IOException {
        var values = new LinkedHashMap<String, String>();
        for (var file : List.of(ROOT.resolve(service).resolve("src/main/resources/application.properties"),
                ROOT.resolve("messaging/src/main/resources/META-INF/microprofile-config.properties"))) {
            for (var line : Files.readAllLines(file)) {
                var matcher = FALLBACK.matcher(line.trim());
                if (matcher.matches()) {
                    values.put(matcher.group(2), matcher.group(3));
                }
            }
        }
        return values;
    }

    private static String developmentTokenKey() throws IOException {
        var file = ROOT.resolve("balance-service/src/main/resources/application.properties");
        return Files.readAllLines(file).stream()
                .filter(l -> l.startsWith("%dev.balance.crypto.keys.dev="))
                .map(l -> l.substring(l.indexOf('=') + 1).trim())
                .findFirst().orElseThrow();
    }

    /** A random value of the shape the variable needs (keys that are parsed get a valid one). */
    private static String strong(String variable) {
        return switch (variable) {
            case "MEMORY_KEY", "ADDRESS_KEY" -> strongKey();
            case "FLASH_WEBHOOK_SECRET" -> "whsec_" + strongKey();
            // an unused database: nothing is written before the start-up check refuses
            case "REDIS_URL" -> "redis://flash:" + strongKey().replaceAll("[^A-Za-z0-9]", "") + "@localhost:6379/7";
            default -> {
                var bytes = new byte[24];
                RANDOM.nextBytes(bytes);
                yield HexFormat.of().formatHex(bytes);
            }
        };
    }

    private static String strongKey() {
        var bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
