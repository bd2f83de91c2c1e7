package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.HandoffRoute;
import com.flashapp.whatsapp.contracts.support.HandoffMessage;
import com.flashapp.whatsapp.contracts.support.HandoffRequest;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing around a support ticket, against the real broker and PostgreSQL: "talk to a human" becomes a ticket
 * request, an open ticket takes everything the user writes, the configured agent's words and commands go to the
 * ticket, and nobody else can use agent commands.
 */
@QuarkusTest
class HandoffRoutingTest extends NewUserEngineTest {

    private static final String AGENT_PHONE = "+18765550190";
    /** Route versions newer than any an earlier run left (ai-support's are one global sequence). */
    private static final AtomicLong VERSION = new AtomicLong(System.currentTimeMillis() * 1000);

    @Inject
    com.flashapp.whatsapp.command.repository.HandoffRouteRepository routeRepository;

    @Test
    void talkToAHumanTheButtonAndAgentAskForATicketWithTheLinkedUsername() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "keisha_" + userRef.substring(userRef.length() - 6));
        for (var typed : new String[] {"talk to a human", "Agent", null}) {
            var inbound = typed == null ? broker.send(userRef, phone, "Talk to a human", "support talk to a human")
                    : broker.send(userRef, phone, typed);
            var seen = broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                    s -> s.routingKey().equals(RoutingKeys.Support.HANDOFF_REQUEST));
            var request = assertInstanceOf(HandoffRequest.class, seen.message());
            assertEquals("whatsapp:" + phone, request.whatsapp());
            assertEquals("keisha_" + userRef.substring(userRef.length() - 6), request.username());
            assertEquals(HandoffRequest.ASKED, request.reason());
            broker.flush();
            assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, inbound.messageSid()).stream()
                    .noneMatch(s -> s.message() instanceof SupportQuestion), "no AI answer to a request for a person");
        }
    }

    @Test
    void anUnlinkedUserAsksWithoutAUsername() {
        var inbound = broker.send(userRef, phone, "talk to a human");
        var request = (HandoffRequest) broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                s -> s.message() instanceof HandoffRequest).message();
        assertNull(request.username());
    }

    @Test
    void whileATicketIsOpenEverythingTheUserWritesGoesToItAndAnOlderRouteCannotReopenIt() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, "route_" + userRef.substring(userRef.length() - 6));
        var open = VERSION.incrementAndGet();
        route(41, open, HandoffRoute.ASSIGNED, "whatsapp:" + AGENT_PHONE);
        await().atMost(Duration.ofSeconds(15)).until(() -> "assigned".equals(state("user:" + userRef)));

        var balance = broker.send(userRef, phone, "balance");
        var relayed = assertInstanceOf(HandoffMessage.class, broker.await(Exchanges.SUPPORT_REQUESTS, balance,
                s -> s.routingKey().equals(RoutingKeys.Support.HANDOFF_USER)).message());
        assertEquals("balance", relayed.body());
        assertEquals("whatsapp:" + phone, relayed.whatsapp());
        broker.flush();
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, balance.messageSid()).isEmpty(), "the bot stays out of it");
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, balance.messageSid()).isEmpty());

        var done = broker.send(userRef, phone, "done");
        assertEquals("done", ((HandoffMessage) broker.await(Exchanges.SUPPORT_REQUESTS, done,
                s -> s.message() instanceof HandoffMessage).message()).body());

        var closed = VERSION.incrementAndGet();
        route(41, closed, HandoffRoute.CLOSED, "whatsapp:" + AGENT_PHONE);
        await().atMost(Duration.ofSeconds(15)).until(() -> "closed".equals(state("user:" + userRef)));
        // a late copy of the assigned route (older version) changes nothing
        route(41, open, HandoffRoute.ASSIGNED, "whatsapp:" + AGENT_PHONE);
        var marker = VERSION.incrementAndGet();
        route(99, marker, HandoffRoute.CLOSED, null, TestUsers.newUserRef());
        await().atMost(Duration.ofSeconds(15)).until(() -> pool.preparedQuery("select count(*) from handoff_route "
                + "where version = $1").execute(Tuple.of(marker)).await().indefinitely().iterator().next()
                .getLong(0) == 1);
        assertEquals("closed", state("user:" + userRef));
        // and, whatever the order of delivery, the store itself refuses an older version
        routeRepository.apply("user:" + userRef, 41, open, HandoffRoute.ASSIGNED).await().indefinitely();
        assertEquals("closed", state("user:" + userRef));

        var after = broker.send(userRef, phone, "balance");
        broker.await(Exchanges.WALLET_REQUESTS, after, s -> s.message() instanceof BalanceRequest);
        broker.flush();
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, after.messageSid()).isEmpty());
    }

    @Test
    void theAgentsCommandsAndWordsGoToTheTicketAndNobodyElseCanUseThem() {
        var agentRef = TestUsers.newUserRef();
        var tickets = broker.send(agentRef, AGENT_PHONE, "tickets");
        var command = assertInstanceOf(HandoffMessage.class, broker.await(Exchanges.SUPPORT_REQUESTS, tickets,
                s -> s.routingKey().equals(RoutingKeys.Support.HANDOFF_AGENT)).message());
        assertEquals("whatsapp:" + AGENT_PHONE, command.whatsapp());
        var take = broker.send(agentRef, AGENT_PHONE, "take 12");
        assertEquals("take 12", ((HandoffMessage) broker.await(Exchanges.SUPPORT_REQUESTS, take,
                s -> s.routingKey().equals(RoutingKeys.Support.HANDOFF_AGENT)).message()).body());

        // on a ticket, anything the agent writes is for the user
        route(57, VERSION.incrementAndGet(), HandoffRoute.ASSIGNED, "whatsapp:" + AGENT_PHONE);
        await().atMost(Duration.ofSeconds(15)).until(() -> "assigned".equals(state("agent:whatsapp:" + AGENT_PHONE)));
        var words = broker.send(agentRef, AGENT_PHONE, "Hi, I'm Ana from Flash. Let me check.");
        assertEquals("Hi, I'm Ana from Flash. Let me check.", ((HandoffMessage) broker.await(
                Exchanges.SUPPORT_REQUESTS, words, s -> s.routingKey().equals(RoutingKeys.Support.HANDOFF_AGENT))
                .message()).body());

        // off the ticket, the agent's other words are the bot's again
        route(57, VERSION.incrementAndGet(), HandoffRoute.CLOSED, "whatsapp:" + AGENT_PHONE);
        await().atMost(Duration.ofSeconds(15)).until(() -> "closed".equals(state("agent:whatsapp:" + AGENT_PHONE)));
        var chat = broker.send(agentRef, AGENT_PHONE, "how do I buy a gift card with my wallet");
        answeredByTheBot(chat, "an agent off a ticket");

        // anyone else: "tickets", "take 12" and "done" are just words, never agent commands
        for (var text : new String[] {"tickets", "take 12", "done"}) {
            answeredByTheBot(broker.send(userRef, phone, text), text);
        }
    }

    /** Whatever the bot makes of it (an AI question, an answer of its own), the bot handled it, not the ticket. */
    private void answeredByTheBot(com.flashapp.whatsapp.contracts.inbound.InboundMessage inbound, String what) {
        await().atMost(Duration.ofSeconds(20)).until(() ->
                !broker.all(Exchanges.WHATSAPP_OUTBOUND, inbound.messageSid()).isEmpty()
                || !broker.all(Exchanges.SUPPORT_REQUESTS, inbound.messageSid()).isEmpty());
        broker.flush();
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, inbound.messageSid()).stream()
                .noneMatch(s -> s.message() instanceof HandoffMessage), what);
    }

    private void route(long ticket, long version, String state, String agent) {
        route(ticket, version, state, agent, userRef);
    }

    private void route(long ticket, long version, String state, String agent, String user) {
        broker.publish(Exchanges.CONVERSATION_EXPECT, new HandoffRoute(
                Envelope.create(RoutingKeys.Expect.HANDOFF, "ticket-" + ticket, user), ticket, version, state, agent));
    }

    private String state(String party) {
        var rows = pool.preparedQuery("select state from handoff_route where party = $1").execute(Tuple.of(party))
                .await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next().getString(0);
    }
}
