package com.flashapp.whatsapp.gateway.service;

import com.flashapp.whatsapp.gateway.repository.Spool;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How a relay round splits the spool: one chain per user, each user's messages in spool order. */
class WebhookIntakeTest {

    @Test
    void aRoundIsSplitByUserKeepingEachUsersOrder() {
        var a1 = entry("1-0", "u_a");
        var b1 = entry("2-0", "u_b");
        var a2 = entry("3-0", "u_a");
        var none = entry("4-0", null);
        var b2 = entry("5-0", "u_b");
        var a3 = entry("6-0", "u_a");

        var chains = WebhookIntake.byUser(List.of(a1, b1, a2, none, b2, a3));

        assertEquals(List.of(List.of(a1, a2, a3), List.of(b1, b2), List.of(none)), chains);
    }

    @Test
    void messagesWithoutAUserAreEachTheirOwnChain() {
        var first = entry("1-0", null);
        var second = entry("2-0", "");

        assertEquals(List.of(List.of(first), List.of(second)), WebhookIntake.byUser(List.of(first, second)));
    }

    private static Spool.Entry entry(String id, String userRef) {
        var envelope = userRef == null ? "{}" : "{\"userRef\":\"" + userRef + "\"}";
        var body = ("{\"envelope\":" + envelope + ",\"body\":\"x\"}").getBytes(StandardCharsets.UTF_8);
        return new Spool.Entry(id, "whatsapp.inbound", "inbound.text", UUID.randomUUID(), "c-" + id, body);
    }
}
