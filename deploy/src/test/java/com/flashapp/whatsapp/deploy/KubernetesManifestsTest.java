package com.flashapp.whatsapp.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Validates deploy/kubernetes offline: in sync with its sources, every document well-formed, and every service
 * with the objects, probes, resources, labels and scaling an operator relies on. Queue names in the KEDA triggers
 * are checked against the queues each service declares in its application.properties.
 */
class KubernetesManifestsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path MANIFESTS = ROOT.resolve("deploy/kubernetes");
    private static final List<String> CONSUMERS =
            List.of("command-service", "balance-service", "notification-service", "ai-support-service");

    @Test
    void checkedInManifestsMatchTheirSources() throws Exception {
        var regenerated = Files.createTempDirectory("k8s");
        var process = new ProcessBuilder("bash", "deploy/generate-kubernetes.sh", regenerated.toString())
                .directory(ROOT.toFile()).redirectErrorStream(true).start();
        var output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        assertEquals(files(regenerated), files(MANIFESTS), "same files; run deploy/generate-kubernetes.sh");
        for (var file : files(MANIFESTS)) {
            assertEquals(Files.readString(regenerated.resolve(file)), Files.readString(MANIFESTS.resolve(file)),
                    file + " is stale; run deploy/generate-kubernetes.sh");
        }
    }

    @Test
    void everyDocumentHasApiVersionKindAndNameAndNoSecretIsCommitted() throws IOException {
        for (var file : files(MANIFESTS)) {
            if (file.endsWith("redis-values.yml")) {
                continue; // Helm values, not a manifest
            }
            for (var doc : documents(MANIFESTS.resolve(file))) {
                assertNotNull(doc.get("apiVersion"), file);
                assertNotNull(doc.get("kind"), file);
                assertNotNull(path(doc, "metadata", "name"), file);
                assertFalse("Secret".equals(doc.get("kind")), file + " must reference secrets, not define them");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "command-service", "balance-service", "notification-service",
            "ai-support-service"})
    void eachServiceHasDeploymentServiceConfigMapPdbProbesResourcesAndScrapeAnnotations(String service)
            throws IOException {
        var docs = documents(MANIFESTS.resolve(service + ".yml"));
        var kinds = docs.stream().map(d -> (String) d.get("kind")).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Set.of("Deployment", "Service", "ConfigMap", "PodDisruptionBudget")), service);

        var deployment = only(docs, "Deployment");
        var port = Integer.parseInt(properties(service).getProperty("quarkus.http.port"));
        var managementPort = managementPort(service);
        @SuppressWarnings("unchecked")
        var containers = (List<Map<String, Object>>) path(deployment, "spec", "template", "spec", "containers");
        var app = containers.stream().filter(c -> service.equals(c.get("name"))).findFirst().orElseThrow();
        assertEquals(port, path(app, "ports", 0, "containerPort"), "container port = the service's HTTP port");
        assertEquals(managementPort, path(app, "ports", 1, "containerPort"),
                "second container port = the service's management port");
        for (var probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("management", path(app, probe, "httpGet", "port"), probe + " on the management port");
        }
        assertEquals("/q/health/started", path(app, "startupProbe", "httpGet", "path"));
        assertEquals("/q/health/live", path(app, "livenessProbe", "httpGet", "path"));
        assertEquals("/q/health/ready", path(app, "readinessProbe", "httpGet", "path"));
        assertNotNull(path(app, "resources", "requests", "cpu"), "cpu request");
        assertNotNull(path(app, "resources", "requests", "memory"), "memory request");
        assertNotNull(path(app, "resources", "limits", "memory"), "memory limit");
        assertEquals("true", path(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/scrape"));
        assertEquals(String.valueOf(managementPort),
                path(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/port"),
                "Prometheus scrapes the management port");
        assertEquals("/q/metrics",
                path(deployment, "spec", "template", "metadata", "annotations", "prometheus.io/path"));
        assertEquals(String.valueOf(managementPort),
                path(only(docs, "ConfigMap"), "data", "QUARKUS_MANAGEMENT_PORT"), "the ConfigMap sets the same port");
        assertEquals(service, path(deployment, "spec", "template", "metadata", "labels", "app.kubernetes.io/name"));
        assertEquals(true, path(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
        for (var doc : docs) {
            assertEquals("flash-whatsapp", path(doc, "metadata", "labels", "app.kubernetes.io/part-of"),
                    service + " " + doc.get("kind"));
        }
    }

    @Test
    void theNamespaceEnforcesRestrictedPodSecurity() throws IOException {
        var namespace = only(documents(MANIFESTS.resolve("00-namespace.yml")), "Namespace");
        for (var mode : List.of("enforce", "audit", "warn")) {
            assertEquals("restricted", path(namespace, "metadata", "labels", "pod-security.kubernetes.io/" + mode),
                    mode);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "command-service", "balance-service", "notification-service",
            "ai-support-service"})
    void everyContainerMeetsRestrictedPodSecurityWithoutAServiceAccountToken(String service) throws IOException {
        var pod = path(only(documents(MANIFESTS.resolve(service + ".yml")), "Deployment"), "spec", "template", "spec");
        assertEquals(false, path(pod, "automountServiceAccountToken"), "no service-account token in the pod");
        assertEquals(true, path(pod, "securityContext", "runAsNonRoot"));
        assertEquals("RuntimeDefault", path(pod, "securityContext", "seccompProfile", "type"));
        for (var key : List.of("hostNetwork", "hostPID", "hostIPC")) {
            assertEquals(null, path(pod, key), key);
        }
        for (var container : containers(pod)) {
            var name = String.valueOf(container.get("name"));
            assertEquals(true, path(container, "securityContext", "runAsNonRoot"), name + " runAsNonRoot");
            assertEquals(false, path(container, "securityContext", "allowPrivilegeEscalation"), name + " escalation");
            assertEquals(true, path(container, "securityContext", "readOnlyRootFilesystem"), name + " read-only root");
            assertEquals(List.of("ALL"), path(container, "securityContext", "capabilities", "drop"), name + " caps");
            assertEquals(null, path(container, "securityContext", "capabilities", "add"), name + " adds no caps");
            assertEquals(null, path(container, "securityContext", "privileged"), name + " not privileged");
            assertEquals("RuntimeDefault", path(container, "securityContext", "seccompProfile", "type"), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "command-service", "balance-service", "notification-service",
            "ai-support-service"})
    void secretsAreAReadOnlyMountedFileNeverEnvironmentVariables(String service) throws IOException {
        var pod = path(only(documents(MANIFESTS.resolve(service + ".yml")), "Deployment"), "spec", "template", "spec");
        for (var container : containers(pod)) {
            assertFalse(String.valueOf(container.get("envFrom")).contains("secretRef"), container.get("name") + "");
            assertFalse(String.valueOf(container.get("env")).contains("secretKeyRef"), container.get("name") + "");
        }
        @SuppressWarnings("unchecked")
        var volumes = (List<Map<String, Object>>) path(pod, "volumes");
        var secretVolume = volumes.stream()
                .filter(v -> (service + "-secrets").equals(path(v, "secret", "secretName")))
                .findFirst().orElseThrow(() -> new AssertionError(service + "-secrets is not a volume"));
        assertEquals((Object) 0440, path(secretVolume, "secret", "defaultMode"), "readable by the pod's group only");
        var app = containers(pod).stream().filter(c -> service.equals(c.get("name"))).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        var mounts = (List<Map<String, Object>>) app.get("volumeMounts");
        var mount = mounts.stream().filter(m -> secretVolume.get("name").equals(m.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("the secret volume is not mounted into " + service));
        assertEquals(true, mount.get("readOnly"));
        @SuppressWarnings("unchecked")
        var env = (List<Map<String, Object>>) app.get("env");
        var locations = env.stream().filter(e -> "QUARKUS_CONFIG_LOCATIONS".equals(e.get("name")))
                .map(e -> (String) e.get("value")).findFirst()
                .orElseThrow(() -> new AssertionError("Quarkus is not told to read the mounted file"));
        assertTrue(locations.startsWith(mount.get("mountPath") + "/"), locations + " inside " + mount);
    }

    @Test
    void monitoringReachesOnlyTheServicesManagementPort() throws IOException {
        var fromMonitoring = documents(MANIFESTS.resolve("10-network-policies.yml")).stream()
                .filter(p -> String.valueOf(path(p, "spec", "ingress")).contains("monitoring"))
                .toList();
        assertEquals(1, fromMonitoring.size());
        var policy = fromMonitoring.get(0);
        assertEquals(new TreeSet<>(SERVICES),
                new TreeSet<>((List<?>) path(policy, "spec", "podSelector", "matchExpressions", 0, "values")),
                "only the five services are scraped");
        @SuppressWarnings("unchecked")
        var rules = (List<Map<String, Object>>) path(policy, "spec", "ingress");
        for (var rule : rules) {
            assertEquals(List.of(Map.of("port", "management", "protocol", "TCP")), rule.get("ports"),
                    "monitoring reaches the management port only, never the http port");
        }
        for (var service : SERVICES) {
            // health and metrics are served on the management interface only (a build-time switch): the http port
            // that monitoring cannot reach serves neither (ServiceHealthTest checks the running service)
            assertEquals("true", properties(service).getProperty("quarkus.management.enabled"), service);
            var pod = path(only(documents(MANIFESTS.resolve(service + ".yml")), "Deployment"), "spec", "template",
                    "spec");
            var app = containers(pod).stream().filter(c -> service.equals(c.get("name"))).findFirst().orElseThrow();
            assertEquals(List.of("http", "management"),
                    ((List<?>) app.get("ports")).stream().map(p -> path(p, "name")).toList(),
                    service + " exposes its HTTP port and its management port, named so");
            assertEquals(managementPort(service), path(app, "ports", 1, "containerPort"), service);
        }
    }

    @Test
    void commandServiceReadsReadinessOnlyOnTheServicesManagementPorts() throws IOException {
        var config = only(documents(MANIFESTS.resolve("command-service.yml")), "ConfigMap");
        var policies = documents(MANIFESTS.resolve("10-network-policies.yml"));
        var ingress = policies.stream().filter(p -> "admin-status-from-command".equals(path(p, "metadata", "name")))
                .findFirst().orElseThrow();
        assertEquals(List.of(Map.of("port", "management", "protocol", "TCP")), path(ingress, "spec", "ingress", 0,
                "ports"), "command-service reaches the services' management port only");
        var egress = policies.stream().filter(p -> "command-admin-status-egress".equals(path(p, "metadata", "name")))
                .findFirst().orElseThrow();
        var allowed = new TreeSet<Integer>();
        ((List<?>) path(egress, "spec", "egress", 0, "ports")).forEach(p -> allowed.add((Integer) path(p, "port")));
        for (var service : SERVICES) {
            var variable = service.replace("-service", "").replace('-', '_').toUpperCase() + "_READY_URL";
            var url = java.net.URI.create((String) path(config, "data", variable));
            assertEquals(service, url.getHost(), variable);
            assertEquals(managementPort(service), url.getPort(), variable + " on " + service + "'s management port");
            assertEquals("/q/health/ready", url.getPath(), variable);
            assertTrue(allowed.contains(url.getPort()), "command-service may reach " + url);
            var servicePorts = (List<?>) path(only(documents(MANIFESTS.resolve(service + ".yml")), "Service"), "spec",
                    "ports");
            assertTrue(servicePorts.stream().anyMatch(p -> "management".equals(path(p, "name"))
                    && Integer.valueOf(url.getPort()).equals(path(p, "port"))), service + "'s Service has " + url);
        }
        assertEquals(SERVICES.stream().map(KubernetesManifestsTest::managementPort)
                .collect(Collectors.toCollection(TreeSet::new)), allowed, "and no HTTP port");
    }

    @Test
    void theGatewayScalesOnCpu() throws IOException {
        var hpa = only(documents(MANIFESTS.resolve("gateway-service.yml")), "HorizontalPodAutoscaler");
        assertEquals("cpu", path(hpa, "spec", "metrics", 0, "resource", "name"));
    }

    @Test
    void everyQueueConsumerScalesOnExactlyTheQueuesItDeclares() throws IOException {
        for (var service : CONSUMERS) {
            var scaled = only(documents(MANIFESTS.resolve(service + ".yml")), "ScaledObject");
            @SuppressWarnings("unchecked")
            var triggers = (List<Map<String, Object>>) path(scaled, "spec", "triggers");
            var config = properties(service);
            var declared = config.stringPropertyNames().stream()
                    .filter(k -> k.startsWith("messaging.consumers.") && k.endsWith(".queue"))
                    .map(config::getProperty)
                    .collect(Collectors.toCollection(TreeSet::new));
            // a sharded queue's trigger sums its shards: a pattern that matches shards, never the queue itself
            var queues = new TreeSet<String>();
            for (var trigger : triggers) {
                var name = (String) path(trigger, "metadata", "queueName");
                if ("true".equals(path(trigger, "metadata", "useRegex"))) {
                    assertEquals("sum", path(trigger, "metadata", "operation"), name);
                    declared.stream().filter(q -> java.util.regex.Pattern.matches(name, q + ".0")
                                    && java.util.regex.Pattern.matches(name, q + ".3") && !q.matches(name))
                            .forEach(queues::add);
                } else {
                    queues.add(name);
                }
            }
            assertFalse(declared.isEmpty(), service);
            assertEquals(declared, queues, service + ": KEDA triggers vs declared queues");
        }
        var alternatives = documents(MANIFESTS.resolve("alternatives/hpa-cpu.yml"));
        assertEquals(new TreeSet<>(CONSUMERS), alternatives.stream()
                .map(d -> (String) path(d, "spec", "scaleTargetRef", "name"))
                .collect(Collectors.toCollection(TreeSet::new)), "an HPA-on-CPU alternative per consumer");
    }

    @Test
    void onlyTheGatewayTakesTrafficFromTheIngress() throws IOException {
        var policies = documents(MANIFESTS.resolve("10-network-policies.yml"));
        var fromIngress = policies.stream()
                .filter(p -> String.valueOf(path(p, "spec", "ingress")).contains("ingress-nginx"))
                .toList();
        assertEquals(1, fromIngress.size());
        assertEquals("gateway-service",
                path(fromIngress.get(0), "spec", "podSelector", "matchLabels", "app.kubernetes.io/name"));
        var denyAll = policies.stream().filter(p -> "default-deny".equals(path(p, "metadata", "name"))).findFirst();
        assertTrue(denyAll.isPresent(), "a default-deny policy");
        var ingress = only(documents(MANIFESTS.resolve("20-ingress.yml")), "Ingress");
        assertTrue(String.valueOf(ingress.get("spec")).contains("gateway-service"));
        assertFalse(String.valueOf(ingress.get("spec")).matches(".*(command|balance|notification|ai-support)-service.*"));
    }

    @Test
    void mapleProxyIsASidecarOnTheLoopback() throws IOException {
        var deployment = only(documents(MANIFESTS.resolve("ai-support-service.yml")), "Deployment");
        @SuppressWarnings("unchecked")
        var containers = (List<Map<String, Object>>) path(deployment, "spec", "template", "spec", "containers");
        var proxy = containers.stream().filter(c -> "maple-proxy".equals(c.get("name"))).findFirst().orElseThrow();
        assertTrue(String.valueOf(proxy.get("env")).contains("value=127.0.0.1"), "MAPLE_HOST on loopback");
        assertEquals(null, proxy.get("ports"), "no port exposed outside the pod");
        var config = only(documents(MANIFESTS.resolve("ai-support-service.yml")), "ConfigMap");
        assertTrue(String.valueOf(path(config, "data", "MAPLE_BASE_URL")).startsWith("http://127.0.0.1:"));
    }

    @Test
    void backingServicesComeFromOperatorsNotHomeMadeStatefulSets() throws IOException {
        var kinds = new TreeSet<String>();
        for (var file : files(MANIFESTS)) {
            if (!file.endsWith("redis-values.yml")) {
                documents(MANIFESTS.resolve(file)).forEach(d -> kinds.add((String) d.get("kind")));
            }
        }
        assertTrue(kinds.containsAll(Set.of("RabbitmqCluster", "Cluster")), kinds.toString());
        assertFalse(kinds.contains("StatefulSet"), kinds.toString());
    }

    private static final List<String> SERVICES = List.of("gateway-service", "command-service", "balance-service",
            "notification-service", "ai-support-service");

    /** What a service declares in its application.properties: its queues, and the exchanges it reads and writes. */
    private record BrokerNeeds(Set<String> queues, Set<String> consumed, Set<String> published) {

        static BrokerNeeds of(String service) {
            var props = properties(service);
            var queues = new TreeSet<String>();
            var consumed = new TreeSet<String>();
            for (var name : props.stringPropertyNames()) {
                if (name.startsWith("messaging.consumers.") && name.endsWith(".queue")) {
                    queues.add(props.getProperty(name));
                    queues.add(props.getProperty(name) + ".dlq");
                    if (props.getProperty(name.replaceAll("\\.queue$", ".shards")) != null) {
                        queues.add(props.getProperty(name) + ".0"); // its shards (and its hash exchange, the name)
                        queues.add(props.getProperty(name) + ".3");
                        queues.add(props.getProperty(name) + ".replicas"); // where its replicas count each other
                    }
                } else if (name.startsWith("messaging.consumers.") && name.endsWith(".exchange")) {
                    consumed.add(props.getProperty(name));
                }
            }
            var published = new TreeSet<String>();
            var list = props.getProperty("messaging.publisher.exchanges", "");
            for (var exchange : list.split(",")) {
                if (!exchange.isBlank()) {
                    published.add(exchange.trim());
                }
            }
            return new BrokerNeeds(queues, consumed, published);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"gateway-service", "command-service", "balance-service", "notification-service",
            "ai-support-service"})
    void eachServicesBrokerUserMayPublishOnlyToItsExchangesAndConsumeOnlyItsQueues(String service)
            throws IOException {
        var needs = BrokerNeeds.of(service);
        var otherQueues = new TreeSet<String>();
        var allExchanges = new TreeSet<String>();
        for (var other : SERVICES) {
            var theirs = BrokerNeeds.of(other);
            allExchanges.addAll(theirs.consumed());
            allExchanges.addAll(theirs.published());
            if (!other.equals(service)) {
                otherQueues.addAll(theirs.queues());
            }
        }
        var permission = documents(MANIFESTS.resolve("30-backing-services.yml")).stream()
                .filter(d -> "Permission".equals(d.get("kind")) && service.equals(path(d, "spec", "user")))
                .findFirst().orElseThrow(() -> new AssertionError("no broker Permission for " + service));
        assertEquals("/", path(permission, "spec", "vhost"));
        var configure = Pattern.compile((String) path(permission, "spec", "permissions", "configure"));
        var write = Pattern.compile((String) path(permission, "spec", "permissions", "write"));
        var read = Pattern.compile((String) path(permission, "spec", "permissions", "read"));
        for (var queue : needs.queues()) {
            assertTrue(configure.matcher(queue).matches() && write.matcher(queue).matches()
                    && read.matcher(queue).matches(), service + " needs its queue " + queue);
        }
        for (var exchange : needs.consumed()) {
            assertTrue(configure.matcher(exchange).matches() && read.matcher(exchange).matches(),
                    service + " binds its queues to " + exchange);
        }
        assertTrue(configure.matcher("dead-letters").matches() && write.matcher("dead-letters").matches()
                && read.matcher("dead-letters").matches(), service + " declares queues that dead-letter there");
        for (var exchange : needs.published()) {
            assertTrue(configure.matcher(exchange).matches() && write.matcher(exchange).matches(),
                    service + " publishes to " + exchange);
        }
        for (var exchange : allExchanges) {
            assertEquals(needs.published().contains(exchange), write.matcher(exchange).matches(),
                    service + " may publish to " + exchange + " only if it declares it");
        }
        for (var queue : otherQueues) {
            for (var pattern : List.of(configure, write, read)) {
                assertFalse(pattern.matcher(queue).matches(), service + " must not touch " + queue);
            }
        }
        var user = documents(MANIFESTS.resolve("30-backing-services.yml")).stream()
                .filter(d -> "User".equals(d.get("kind"))
                        && (service + "-broker-credentials").equals(path(d, "spec", "importCredentialsSecret", "name")))
                .count();
        assertEquals(1, user, service + "'s broker User, credentials from " + service + "-broker-credentials");
    }

    @ParameterizedTest
    @ValueSource(strings = {"command-service", "balance-service", "notification-service", "ai-support-service"})
    void eachServiceUsesItsOwnDatabaseRoleWhichOwnsOnlyItsDatabase(String service) throws IOException {
        var role = service.replace('-', '_');
        var config = only(documents(MANIFESTS.resolve(service + ".yml")), "ConfigMap");
        assertEquals(role, path(config, "data", "DB_USERNAME"));
        var cluster = documents(MANIFESTS.resolve("30-backing-services.yml")).stream()
                .filter(d -> "Cluster".equals(d.get("kind"))).findFirst().orElseThrow();
        assertTrue(String.valueOf(path(cluster, "spec", "managed", "roles")).contains("name=" + role + ","),
                role + " is a managed role");
        var database = ((String) path(config, "data", "DB_JDBC_URL")).replaceAll(".*/", "");
        @SuppressWarnings("unchecked")
        var sql = (List<String>) path(cluster, "spec", "bootstrap", "initdb", "postInitApplicationSQL");
        assertTrue(sql.stream().anyMatch(line -> line.matches("(alter|create) database " + database
                + " owner (to )?" + role)), database + " owned by " + role + ": " + sql);
        assertTrue(sql.stream().anyMatch(line -> line.startsWith("revoke connect") && line.contains(database)
                && line.endsWith("from public")), "no CONNECT to " + database + " for other roles");
    }

    // ---------------------------------------------------------------- helpers

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> documents(Path file) throws IOException {
        var docs = new ArrayList<Map<String, Object>>();
        for (var doc : new Yaml().loadAll(Files.readString(file))) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(Object podSpec) {
        return (List<Map<String, Object>>) path(podSpec, "containers");
    }

    private static Map<String, Object> only(List<Map<String, Object>> docs, String kind) {
        var matches = docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertEquals(1, matches.size(), "exactly one " + kind);
        return matches.get(0);
    }

    @SuppressWarnings("unchecked")
    private static Object path(Object node, Object... keys) {
        var current = node;
        for (var key : keys) {
            if (current == null) {
                return null;
            }
            current = key instanceof Integer i ? ((List<Object>) current).get(i) : ((Map<String, Object>) current).get(key);
        }
        return current;
    }

    /** The port of a service's management interface (health, metrics), from its application.properties. */
    private static int managementPort(String service) {
        return Integer.parseInt(properties(service).getProperty("quarkus.management.port"));
    }

    private static Properties properties(String service) {
        var props = new Properties();
        try (var in = Files.newInputStream(ROOT.resolve(service + "/src/main/resources/application.properties"))) {
            props.load(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return props;
    }
}
