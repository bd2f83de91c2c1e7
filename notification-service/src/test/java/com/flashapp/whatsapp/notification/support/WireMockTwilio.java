package com.flashapp.whatsapp.notification.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A Twilio Messages API stand-in shaped like Twilio's (TWILIO_WHATSAPP.md §4): form POST to
 * /2010-04-01/Accounts/{AccountSid}/Messages.json with Basic auth, 201 with the Message resource JSON, errors as
 * {code, message, more_info, status}. Tests add stubs per recipient number for errors. Sends to numbers starting
 * with {@link #SANDBOX_PREFIX} are proxied unchanged to the sandbox's Twilio simulator ({@link SandboxTwilio}).
 */
public class WireMockTwilio implements QuarkusTestResourceLifecycleManager {

    public static final String ACCOUNT_SID = "AC00000000000000000000000000000000";
    public static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";

    /** Recipients whose sends go to the sandbox's simulator. */
    public static final String SANDBOX_PREFIX = "whatsapp:+1876556";

    public static WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort().globalTemplating(true));
        server.start();
        stubAccepted();
        server.stubFor(post(WireMock.urlPathEqualTo(MESSAGES_PATH)).atPriority(5)
                .withRequestBody(containing(toParam(SANDBOX_PREFIX)))
                .willReturn(aResponse().proxiedFrom(SandboxTwilio.launch())));
        return Map.of("app.twilio.base-url", server.baseUrl());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
        SandboxTwilio.stop();
    }

    /** Twilio refuses free-form sends to this recipient with 63016 (outside the 24-hour window); templates pass. */
    public static void refuseFreeFormOutsideWindow(String to) {
        server.stubFor(post(WireMock.urlPathEqualTo(MESSAGES_PATH)).atPriority(1)
                .withRequestBody(containing(toParam(to))).withRequestBody(containing("Body="))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody(error(63016, 400, "Outside the allowed window"))));
    }

    /** Every send to the right account with the right credentials is accepted (201). */
    static void stubAccepted() {
        server.stubFor(post(WireMock.urlPathEqualTo(MESSAGES_PATH))
                .atPriority(10)
                .withBasicAuth(ACCOUNT_SID, "0123456789abcdef0123456789abcdef")
                .withHeader("Content-Type", containing("application/x-www-form-urlencoded"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(message("{{randomValue length=32 type='HEXADECIMAL'}}", "queued"))));
    }

    /** A Twilio error body. */
    public static String error(int code, int status, String text) {
        return "{\"code\": " + code + ", \"message\": \"" + text + "\", \"more_info\": "
                + "\"https://www.twilio.com/docs/errors/" + code + "\", \"status\": " + status + "}";
    }

    public static String message(String sidSuffix, String status) {
        return "{\"sid\": \"SM" + sidSuffix + "\", \"account_sid\": \"" + ACCOUNT_SID + "\", \"status\": \""
                + status + "\", \"direction\": \"outbound-api\", \"api_version\": \"2010-04-01\", "
                + "\"num_segments\": \"1\", \"num_media\": \"0\"}";
    }

    /** The body fragment that picks out requests to one WhatsApp number. */
    public static String toParam(String whatsapp) {
        return "To=" + URLEncoder.encode(whatsapp, StandardCharsets.UTF_8);
    }

    /** Sends to one number, oldest first. */
    public static List<LoggedRequest> requestsTo(String whatsapp) {
        return server.findAll(postRequestedFor(urlPathMatching(".*/Messages.json"))
                        .withRequestBody(containing(toParam(whatsapp)))).stream()
                .sorted(Comparator.comparing(LoggedRequest::getLoggedDate))
                .toList();
    }

    /** The form parameters of a request. */
    public static Map<String, String> form(LoggedRequest request) {
        var params = new LinkedHashMap<String, String>();
        for (var pair : request.getBodyAsString().split("&")) {
            var i = pair.indexOf('=');
            if (i > 0) {
                params.put(URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}
