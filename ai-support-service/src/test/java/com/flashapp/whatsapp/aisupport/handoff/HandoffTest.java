package com.flashapp.whatsapp.aisupport.handoff;

import com.flashapp.whatsapp.aisupport.service.IncomingMessageHandler;
import com.flashapp.whatsapp.aisupport.service.RetentionJob;
import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.aisupport.support.TestUsers;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.HandoffRoute;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.HandoffMessage;
import com.flashapp.whatsapp.contracts.support.HandoffRequest;
import com.flashapp.whatsapp.contracts.support.SupportFeedback;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user handed over to the one test agent (+18765550190, on duty all week in the test profile): the ticket's
 * lifecycle, the queue, idle close, retention and erasure, through the handler and the real broker and database.
 */
@QuarkusTest
class HandoffTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String AGENT = "whatsapp:+18765550190";

    @Inject
    IncomingMessageHandler handler;

    @Inject
    HandoffService handoff;

    @Inject
    RetentionJob retention;

    @Inject
    Pool pool;

    BrokerProbe broker;
    String routes;
    String replies;

    @BeforeEach
    void setUp() {
        // the one agent must be free: no other test's tickets
        pool.query("delete from support_ticket").execute().await().atMost(WAIT);
        broker = new BrokerProbe();
        routes = broker.listen(Exchanges.CONVERSATION_EXPECT, RoutingKeys.Expect.HANDOFF);
        replies = broker.listen(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
    }

    @AfterEach
    void tearDown() {
        broker.close();
    }

    @Test
    void aTicketIsAssignedRelayedBothWaysAndClosedByTheAgent() {
        var user = TestUsers.newUser();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, user), user.whatsapp(), "keisha",
                HandoffRequest.ASKED));

        var waiting = route(user, HandoffRoute.WAITING);
        var assigned = route(user, HandoffRoute.ASSIGNED);
        assertEquals(waiting.ticket(), assigned.ticket());
        assertTrue(assigned.version() > waiting.version());
        assertEquals(AGENT, assigned.agent());
        var ticket = assigned.ticket();
        reply(user.whatsapp(), "has joined (ticket #" + ticket + ")");
        var summary = reply(AGENT, "Ticket #" + ticket + "* is yours");
        var number = user.whatsapp().substring("whatsapp:".length());
        assertTrue(summary.body().contains(number.substring(0, 5) + "•••" + number.substring(number.length() - 4)
                + " (@keisha)"), summary.body());
        assertFalse(summary.body().contains(number), "the agent sees the number masked");
        assertTrue(summary.body().contains("asked for a person"));

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_USER, user), user.whatsapp(),
                "my send is stuck, code 482913"));
        var relayed = reply(AGENT, "💬 #" + ticket);
        assertTrue(relayed.body().endsWith("my send is stuck, code 482913"), relayed.body());

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT,
                "I see it, retrying now"));
        assertEquals("👤 *Flash support:* I see it, retrying now",
                reply(user.whatsapp(), "retrying now").body());

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "done"));
        var closed = route(user, HandoffRoute.CLOSED);
        assertEquals(ticket, closed.ticket());
        assertEquals(AGENT, closed.agent());
        assertTrue(closed.version() > assigned.version());
        reply(user.whatsapp(), "Our team closed this support conversation");
        reply(AGENT, "Ticket #" + ticket + " closed");

        // the transcript: both sides, redacted (the code is not kept)
        var lines = pool.preparedQuery("select sender, body from support_ticket_message where ticket_no = $1 "
                        + "order by sent_at").execute(Tuple.of(ticket)).await().atMost(WAIT);
        assertEquals(2, lines.size());
        var it = lines.iterator();
        var first = it.next();
        assertEquals("user", first.getString("sender"));
        assertFalse(first.getString("body").contains("482913"), first.getString("body"));
        assertEquals("agent", it.next().getString("sender"));
        assertEquals("closed", state(ticket));
    }

    @Test
    void theUserCanEndItWithDoneAndARedeliveredRequestOpensNoSecondTicket() {
        var user = TestUsers.newUser();
        var request = new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, user), user.whatsapp(), null,
                HandoffRequest.ASKED);
        handle(request);
        var ticket = route(user, HandoffRoute.ASSIGNED).ticket();
        assertTrue(reply(AGENT, "is yours").body().contains("(not linked)"));
        handle(request); // redelivered
        assertEquals(1L, count("select count(*) from support_ticket where user_ref = $1", user.userRef()));

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_USER, user), user.whatsapp(), "Done"));
        route(user, HandoffRoute.CLOSED);
        reply(user.whatsapp(), "support conversation closed (ticket #" + ticket + ")");
        reply(AGENT, "closed by the user");
    }

    @Test
    void whileTheAgentIsBusyUsersQueueAndTheFreedAgentGetsTheOldest() {
        var first = TestUsers.newUser();
        var second = TestUsers.newUser();
        var third = TestUsers.newUser();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, first), first.whatsapp(), null,
                HandoffRequest.ASKED));
        var firstTicket = route(first, HandoffRoute.ASSIGNED).ticket();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, second), second.whatsapp(), null,
                HandoffRequest.ASKED));
        var secondTicket = route(second, HandoffRoute.WAITING).ticket();
        assertTrue(reply(second.whatsapp(), "I've asked a person").body().contains("You're next in the queue."));
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, third), third.whatsapp(), null,
                HandoffRequest.ASKED));
        var thirdTicket = route(third, HandoffRoute.WAITING).ticket();
        assertTrue(reply(third.whatsapp(), "I've asked a person").body().contains("You're number 2 in the queue."));

        // writing while waiting: kept for the agent, and the place in the queue again
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_USER, third), third.whatsapp(),
                "it's about a refund"));
        assertTrue(reply(third.whatsapp(), "Noted for our team").body().contains("number 2"));

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "tickets"));
        var list = reply(AGENT, "Waiting (2)");
        assertTrue(list.body().contains("You are on #" + firstTicket), list.body());
        assertTrue(list.body().indexOf("#" + secondTicket + " ·") < list.body().indexOf("#" + thirdTicket + " ·"));

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "take " + thirdTicket));
        reply(AGENT, "You are still on #" + firstTicket);

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "done"));
        route(first, HandoffRoute.CLOSED);
        // the freed agent gets the oldest waiting ticket
        assertEquals(secondTicket, route(second, HandoffRoute.ASSIGNED).ticket());
        reply(second.whatsapp(), "has joined");
        assertEquals("waiting", state(thirdTicket));

        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "done"));
        route(second, HandoffRoute.CLOSED);
        assertEquals(thirdTicket, route(third, HandoffRoute.ASSIGNED).ticket());
        // what the third user wrote while waiting is in the agent's summary
        var summary = reply(AGENT, "Ticket #" + thirdTicket + "* is yours");
        assertTrue(summary.body().contains("it's about a refund"), summary.body());
    }

    @Test
    void takeNamesATicketAndNobodyElseCanUseAgentCommands() {
        var busy = TestUsers.newUser();
        var queued = TestUsers.newUser();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, busy), busy.whatsapp(), null,
                HandoffRequest.ASKED));
        var busyTicket = route(busy, HandoffRoute.ASSIGNED).ticket();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, queued), queued.whatsapp(), null,
                HandoffRequest.ASKED));
        var queuedTicket = route(queued, HandoffRoute.WAITING).ticket();

        // a number that is not an agent's: ignored, the ticket stays waiting
        var stranger = TestUsers.newUser();
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, stranger), stranger.whatsapp(),
                "take " + queuedTicket));
        assertEquals("waiting", state(queuedTicket));

        // closing the busy one by the idle job frees the agent, who gets the queued one
        handoff.closeIdle(Instant.now().plus(Duration.ofMinutes(31))).await().atMost(WAIT);
        route(busy, HandoffRoute.CLOSED);
        reply(busy.whatsapp(), "closed after a while without messages");
        assertEquals(queuedTicket, route(queued, HandoffRoute.ASSIGNED).ticket());
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "take " + busyTicket));
        reply(AGENT, "You are still on #" + queuedTicket);
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "done"));
        route(queued, HandoffRoute.CLOSED);
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_AGENT, null), AGENT, "take " + busyTicket));
        reply(AGENT, "Ticket #" + busyTicket + " is closed.");
    }

    @Test
    void anAssignedTicketLeftIdleClosesItselfAndARecentOneDoesNot() {
        var user = TestUsers.newUser();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, user), user.whatsapp(), null,
                HandoffRequest.ASKED));
        var ticket = route(user, HandoffRoute.ASSIGNED).ticket();
        assertEquals(0, handoff.closeIdle(Instant.now().plus(Duration.ofMinutes(29))).await().atMost(WAIT));
        assertEquals("assigned", state(ticket));
        assertEquals(1, handoff.closeIdle(Instant.now().plus(Duration.ofMinutes(31))).await().atMost(WAIT));
        assertEquals("closed", state(ticket));
        assertEquals(HandoffRoute.CLOSED, route(user, HandoffRoute.CLOSED).state());
        reply(AGENT, "Ticket #" + ticket + " closed (idle).");
    }

    @Test
    void twoUnhelpfulAnswersOpenATicket() {
        var user = TestUsers.newUser();
        for (var i = 0; i < 2; i++) {
            handle(new SupportFeedback(envelope(RoutingKeys.Support.FEEDBACK, user), user.whatsapp(),
                    "answer-" + UUID.randomUUID(), false, null));
        }
        reply(user.whatsapp(), "couldn't help you twice");
        var ticket = route(user, HandoffRoute.ASSIGNED).ticket();
        var summary = reply(AGENT, "Ticket #" + ticket + "* is yours");
        assertTrue(summary.body().contains("two AI answers marked not helpful"), summary.body());
    }

    @Test
    void retentionPurgesOldClosedTicketsWithTheirTranscriptOnly() {
        var user = TestUsers.newUser();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, user), user.whatsapp(), null,
                HandoffRequest.ASKED));
        var ticket = route(user, HandoffRoute.ASSIGNED).ticket();
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_USER, user), user.whatsapp(), "hello"));
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_USER, user), user.whatsapp(), "done"));
        route(user, HandoffRoute.CLOSED);
        var other = TestUsers.newUser();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, other), other.whatsapp(), null,
                HandoffRequest.ASKED));
        var open = route(other, HandoffRoute.ASSIGNED).ticket();

        retention.purge(Instant.now().plus(Duration.ofDays(29))).await().atMost(WAIT);
        assertEquals("closed", state(ticket));
        retention.purge(Instant.now().plus(Duration.ofDays(31))).await().atMost(WAIT);
        assertEquals(0L, count("select count(*) from support_ticket where user_ref = $1", user.userRef()));
        assertEquals(0L, count("select count(*) from support_ticket_message where ticket_no = " + ticket
                + " and $1::text is not null", user.userRef()));
        assertEquals("assigned", state(open), "an open ticket is never purged");
    }

    @Test
    void erasureDeletesTheTicketsAndTranscriptAndFreesTheAgent() {
        var user = TestUsers.newUser();
        handle(new HandoffRequest(envelope(RoutingKeys.Support.HANDOFF_REQUEST, user), user.whatsapp(), "keisha",
                HandoffRequest.ASKED));
        var ticket = route(user, HandoffRoute.ASSIGNED).ticket();
        handle(new HandoffMessage(envelope(RoutingKeys.Support.HANDOFF_USER, user), user.whatsapp(), "hello"));

        broker.publish(Exchanges.USER_LIFECYCLE, new UserErasureRequested(
                envelope(RoutingKeys.User.ERASURE_REQUESTED, user), user.whatsapp()));

        reply(AGENT, "Ticket #" + ticket + " closed: the user erased their data.");
        assertEquals(ticket, route(user, HandoffRoute.CLOSED).ticket());
        assertEquals(0L, count("select count(*) from support_ticket where user_ref = $1", user.userRef()));
        assertEquals(0L, count("select count(*) from support_ticket_message where ticket_no = " + ticket
                + " and $1::text is not null", user.userRef()));
    }

    private void handle(ContractMessage message) {
        handler.handle(message).await().atMost(WAIT);
    }

    private HandoffRoute route(TestUsers.User user, String state) {
        return broker.await(routes, HandoffRoute.class,
                r -> user.userRef().equals(r.envelope().userRef()) && state.equals(r.state()), WAIT);
    }

    private OutboundMessage reply(String to, String contains) {
        return broker.await(replies, OutboundMessage.class,
                m -> to.equals(m.to()) && m.body() != null && m.body().contains(contains), WAIT);
    }

    private String state(long ticket) {
        var rows = pool.preparedQuery("select state from support_ticket where ticket_no = $1")
                .execute(Tuple.of(ticket)).await().atMost(WAIT);
        return rows.size() == 0 ? null : rows.iterator().next().getString(0);
    }

    private long count(String sql, String param) {
        return pool.preparedQuery(sql).execute(Tuple.of(param)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private static Envelope envelope(String type, TestUsers.User user) {
        return Envelope.create(type, "SM" + UUID.randomUUID().toString().replace("-", ""),
                user == null ? "u_agent" : user.userRef());
    }
}
