package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.ContactCommand;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Saved contacts through the engine (issue 22): typed commands and a shared contact card become
 * {@code contact.manage} for balance-service, which owns contacts; an unlinked user is asked to link first.
 */
@QuarkusTest
class ContactCardTest extends NewUserEngineTest {

    static final String CARD_URL = "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000"
            + "/Messages/MM2/Media/ME2";

    private InboundMessage inbound(String body, List<InboundMessage.Media> media) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var type = media.isEmpty() ? RoutingKeys.Inbound.TEXT : RoutingKeys.Inbound.MEDIA;
        var message = new InboundMessage(Envelope.create(type, sid, userRef), sid, "whatsapp:" + phone, phone,
                "Test User", body, false, media, null, null, null, null, Instant.now());
        broker.publish(Exchanges.WHATSAPP_INBOUND, message);
        return message;
    }

    private ContactCommand handedOver(InboundMessage message) {
        var seen = broker.await(Exchanges.WALLET_REQUESTS, message,
                s -> s.routingKey().equals(RoutingKeys.Wallet.CONTACT_MANAGE));
        return assertInstanceOf(ContactCommand.class, seen.message());
    }

    @Test
    void aSharedContactCardGoesToBalanceServiceToBeReadAndConfirmed() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "card_" + userRef.substring(userRef.length() - 10));
        var card = inbound("", List.of(new InboundMessage.Media("text/x-vcard", CARD_URL)));
        var command = handedOver(card);
        assertEquals(ContactCommand.Action.SAVE, command.action());
        assertEquals(CARD_URL, command.vcardUrl());
        assertNull(command.name());
        assertEquals("whatsapp:" + phone, command.whatsapp());
        var replies = broker.all(Exchanges.WHATSAPP_OUTBOUND, card.messageSid()).stream()
                .map(s -> ((OutboundMessage) s.message()).body()).toList();
        assertTrue(replies.stream().noneMatch(b -> b.contains("only read text")), replies.toString());
    }

    @Test
    void typedContactCommandsAreHandedOverParsed() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "card_" + userRef.substring(userRef.length() - 10));
        var save = handedOver(inbound("save Aunt May 876 555 0123", List.of()));
        assertEquals(ContactCommand.Action.SAVE, save.action());
        assertEquals("Aunt May", save.name());
        assertEquals("+18765550123", save.phone());
        assertEquals(ContactCommand.Action.LIST, handedOver(inbound("contacts", List.of())).action());
        var delete = handedOver(inbound("delete contact aunt may", List.of()));
        assertEquals(ContactCommand.Action.DELETE, delete.action());
        assertEquals("aunt may", delete.name());
    }

    @Test
    void anUnlinkedUsersCardIsAnsweredWithLinkFirst() {
        var card = inbound("", List.of(new InboundMessage.Media("text/vcard", CARD_URL)));
        var reply = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, card,
                s -> ((OutboundMessage) s.message()).body().contains("link your Flash account first")).message();
        assertTrue(reply.body().contains("*contacts*"), reply.body());
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, card.messageSid()).isEmpty(), "nothing handed over");
    }
}
