package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A message handled again after the service was killed between publishing its answers and recording it in the inbox
 * (the broker redelivers it): the second handling must publish exactly the messages the first did — same ids, which
 * the next services' inboxes and notification-service's outbox drop — even though the first handling changed the
 * conversation (a menu opened, a notice given) and an owner may have asked a newer question since.
 */
@QuarkusTest
class RedeliveryTest extends NewUserEngineTest {

    @Test
    void aNewUsersFirstRequestHandledAgainAfterItsWelcomeMenuOpenedPublishesNothingNew() throws Exception {
        // the first handling welcomes (opening the welcome's menu) and asks balance-service for the price; read
        // against that menu, a second handling took "price" as the menu's answer and asked again under a new id
        var price = broker.send(userRef, phone, "price");
        broker.await(Exchanges.WALLET_REQUESTS, price, s -> s.message() instanceof PriceRequest);
        var first = published(price);

        var again = redeliver(price);

        assertEquals(first, again);
        assertEquals(1, count(price, PriceRequest.class));
    }

    @Test
    void aRequestHandledAgainAfterItsOwnerAskedANewerQuestionLeavesThatQuestionOpen() throws Exception {
        var link = broker.send(userRef, phone, "link");
        broker.await(Exchanges.WALLET_REQUESTS, link, s -> s.message() instanceof AccountLinkRequest);
        // balance-service answers with its code prompt, which replaces the welcome's menu
        var code = "exp-" + UUID.randomUUID();
        broker.publish(Exchanges.CONVERSATION_EXPECT, new ConversationExpectation(
                Envelope.create(RoutingKeys.Expect.CODE, link.messageSid(), userRef), code, Exchanges.WALLET_REQUESTS,
                "link", List.of(), Instant.now().plus(Duration.ofMinutes(5))));
        await().atMost(Duration.ofSeconds(15)).until(() -> openExpectation().equals(code));
        var first = published(link);

        var again = redeliver(link);

        // not "OK, I've cancelled that" and a second link code: the same messages, and the code prompt still open
        assertEquals(first, again);
        assertEquals(code, openExpectation());
        assertEquals(1, count(link, AccountLinkRequest.class));
    }

    @Test
    void aSpanishRequestHandledAgainGivesTheSameOneTimeNotice() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "maria");
        var saldo = broker.send(userRef, phone, "¿cuál es mi saldo?");
        broker.await(Exchanges.WALLET_REQUESTS, saldo, s -> s.message() instanceof BalanceRequest);
        broker.await(Exchanges.WHATSAPP_OUTBOUND, saldo,
                s -> ((OutboundMessage) s.message()).body().equals(ConversationService.ENGLISH_FOR_NOW));
        var first = published(saldo);

        var again = redeliver(saldo);

        assertEquals(first, again);
        assertEquals(1, count(saldo, BalanceRequest.class));
    }

    /** As if the service died before its inbox record: the record is gone and the broker delivers it again. */
    private Set<String> redeliver(InboundMessage inbound) throws Exception {
        pool.preparedQuery("delete from inbox_message where message_id = $1")
                .execute(Tuple.of(inbound.envelope().messageId())).await().indefinitely();
        broker.publish(Exchanges.WHATSAPP_INBOUND, inbound);
        await().atMost(Duration.ofSeconds(20)).until(() -> handled(inbound));
        return published(inbound);
    }

    private boolean handled(InboundMessage inbound) {
        return pool.preparedQuery("select 1 from inbox_message where message_id = $1")
                .execute(Tuple.of(inbound.envelope().messageId())).await().indefinitely().size() > 0;
    }

    /** Every distinct message (type and id) the inbound caused so far, once its handling is recorded. */
    private Set<String> published(InboundMessage inbound) {
        await().atMost(Duration.ofSeconds(20)).until(() -> handled(inbound));
        broker.flush();
        var ids = new TreeSet<String>();
        Stream.of(Exchanges.WALLET_REQUESTS, Exchanges.SUPPORT_REQUESTS, Exchanges.NOTIFICATION_REQUESTS,
                        Exchanges.WHATSAPP_OUTBOUND)
                .flatMap(exchange -> broker.all(exchange, inbound.messageSid()).stream())
                .forEach(s -> ids.add(s.message().envelope().type() + " " + s.message().envelope().messageId()));
        return ids;
    }

    private long count(InboundMessage inbound, Class<?> type) {
        return broker.all(Exchanges.WALLET_REQUESTS, inbound.messageSid()).stream()
                .filter(s -> type.isInstance(s.message())).map(s -> s.message().envelope().messageId())
                .distinct().count();
    }

    private String openExpectation() {
        var open = expectations.find(userRef).await().indefinitely();
        return open == null ? "" : open.expectationId();
    }
}
