package com.flashapp.whatsapp.messaging.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

/**
 * A RabbitMQ virtual host of the test run's own, deleted and created afresh before the application starts: no queue,
 * message or consumer of another module's tests (or of a developer's {@code ./run.sh}) can reach the application
 * under test, nor the other way round. Use with {@code @QuarkusTestResource(value = FreshVirtualHost.class,
 * initArgs = @ResourceArg(name = "name", value = "flash-test-command"))}; it sets {@code rabbitmq-virtual-host}.
 */
public class FreshVirtualHost implements QuarkusTestResourceLifecycleManager {

    private static final String MANAGEMENT = "http://127.0.0.1:15672/api";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String name = "flash-test";

    @Override
    public void init(Map<String, String> initArgs) {
        name = initArgs.getOrDefault("name", name);
    }

    @Override
    public Map<String, String> start() {
        recreate(name);
        return Map.of("rabbitmq-virtual-host", name);
    }

    @Override
    public void stop() {
        // kept until the next run recreates it: its queues help when a test failed
    }

    /**
     * Deletes the virtual host if it exists, creates it, lets guest use it and gives every other user (the services'
     * own, deploy/local/infra.sh) the permissions it has on the default virtual host.
     */
    public void recreate(String vhost) {
        var encoded = URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        var path = MANAGEMENT + "/vhosts/" + encoded;
        call("DELETE", path, null, 204, 404);
        call("PUT", path, "{}", 201, 204);
        call("PUT", MANAGEMENT + "/permissions/" + encoded + "/guest",
                "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}", 201, 204);
        var json = new ObjectMapper();
        try {
            for (var permission : json.readTree(get(MANAGEMENT + "/vhosts/%2F/permissions"))) {
                var user = permission.get("user").asText();
                if (!user.equals("guest")) {
                    var body = json.createObjectNode();
                    for (var field : new String[] {"configure", "write", "read"}) {
                        body.put(field, permission.get(field).asText());
                    }
                    call("PUT", MANAGEMENT + "/permissions/" + encoded + "/"
                            + URLEncoder.encode(user, StandardCharsets.UTF_8), body.toString(), 201, 204);
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the default virtual host's permissions are not JSON", e);
        }
    }

    private String get(String url) {
        try {
            var response = http.send(request("GET", url, null), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("RabbitMQ management API not reachable (deploy/local/infra.sh enables it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest request(String method, String url, String body) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private void call(String method, String url, String body, int... expected) {
        try {
            var request = request(method, url, body);
            var status = http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
            for (var ok : expected) {
                if (status == ok) {
                    return;
                }
            }
            throw new IllegalStateException(method + " " + url + " answered " + status);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("RabbitMQ management API not reachable (deploy/local/infra.sh enables it)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
