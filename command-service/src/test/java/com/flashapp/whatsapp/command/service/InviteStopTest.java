package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.InviteCommand;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * "stop" from a number nobody linked (what a number an invite messaged says to be left alone) is handed to
 * balance-service as an invite opt-out, without a welcome; from a linked user it stays "nothing to cancel".
 */
@QuarkusTest
class InviteStopTest extends NewUserEngineTest {

    private InboundMessage says(String body) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var message = new InboundMessage(Envelope.create(RoutingKeys.Inbound.TEXT, sid, userRef), sid,
                "whatsapp:" + phone, phone, "Test User", body, false, List.of(), null, null, null, null,
                Instant.now());
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);
        return message;
    }

    @Test
    void aNewNumbersStopIsAnInviteOptOutForBalanceServiceAndGetsNoWelcome() {
        var stop = says("STOP");
        var seen = broker.await(Exchanges.WALLET_REQUESTS, stop,
                s -> s.routingKey().equals(RoutingKeys.Wallet.INVITE_MANAGE));
        var command = assertInstanceOf(InviteCommand.class, seen.message());
        assertEquals(InviteCommand.Action.STOP, command.action());
        assertEquals("whatsapp:" + phone, command.whatsapp());
        // a welcome would have gone out before the hand-over
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, stop.messageSid()).isEmpty(),
                "no welcome or menu to a number that said stop");
    }

    @Test
    void aLinkedUsersStopWithNothingOpenIsNothingToCancel() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "stop_" + userRef.substring(userRef.length() - 10));
        var stop = says("stop");
        var reply = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, stop,
                s -> ((OutboundMessage) s.message()).body().contains("nothing to cancel")).message();
        assertTrue(reply.body().contains("*help*"), reply.body());
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, stop.messageSid()).isEmpty(), "nothing handed over");
    }
}
