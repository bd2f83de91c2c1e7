package com.flashapp.whatsapp.balance.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * A stand-in for Flash's GraphQL API on a free port (WireMock), with {@code balance.flash.url} pointed at it.
 * Tests stub one Flash user each through {@link FlashStubs}, keyed by phone and token, so they cannot collide.
 */
public class FlashWireMock implements QuarkusTestResourceLifecycleManager {

    public static final String SERVICE_TOKEN = "test-service-token";

    static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        return Map.of("balance.flash.url", server.baseUrl() + "/graphql",
                // a backend credential: Flash is asked to send codes; stubs decide per phone whether it does
                "balance.flash.service-token", SERVICE_TOKEN,
                // shared contact cards are downloaded from "Twilio" here too (ContactsTest)
                "wallet.contacts.twilio-base-url", server.baseUrl());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }

    public static WireMockServer server() {
        return server;
    }
}
