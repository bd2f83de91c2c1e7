package com.flashapp.whatsapp.sandbox;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the gateway (webhook, and {@code /media/...} answering an Ogg/Opus voice reply) and for
 * status-callback receivers: records every form POST it gets.
 * Runs on a free port; the sandbox's webhook URL points at it during tests.
 */
public class FakeGateway implements QuarkusTestResourceLifecycleManager {

    /** One received request: path, X-Twilio-Signature, decoded form params. */
    public record Received(String path, String signature, Map<String, String> params) {
    }

    public static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    /** TwiML the fake gateway answers webhooks with (empty Response by default). */
    public static volatile String twimlReply = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";
    private static int port;
    private HttpServer server;

    public static String url(String path) {
        return "http://localhost:" + port + path;
    }

    public static List<Received> at(String path) {
        return RECEIVED.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/", exchange -> {
            var body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            var params = new LinkedHashMap<String, String>();
            if (body.startsWith("{")) {
                params.put("json", body);
                body = "";
            }
            for (var pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                var kv = pair.split("=", 2);
                params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
            if (exchange.getRequestURI().getPath().startsWith("/media/")) {
                // the gateway's signed media URLs: a voice reply (Ogg/Opus) for the chat page to play
                var ogg = com.flashapp.whatsapp.sandbox.voice.OggOpus.encode("a voice reply", 2);
                exchange.getResponseHeaders().add("Content-Type", "audio/ogg");
                exchange.sendResponseHeaders(200, ogg.length);
                exchange.getResponseBody().write(ogg);
                exchange.close();
                return;
            }
            RECEIVED.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("X-Twilio-Signature"), params));
            var reply = exchange.getRequestURI().getPath().startsWith("/webhooks") ? twimlReply : "";
            var bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            exchange.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
        return Map.of("sandbox.gateway.webhook-url", url("/webhooks/twilio/messages"),
                "sandbox.flash.account-webhook-url", url("/flash/account-webhook"));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
