package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.aisupport.support.MapleStub;
import com.flashapp.whatsapp.aisupport.support.TestUsers;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Maple AI is a third party: until the user chooses, answers come from the FAQ alone and the first carries a one-line
 * notice with the choice; the choice (or {@code ai on/off}) is recorded with its time and the wording's version.
 */
@QuarkusTest
@QuarkusTestResource(MapleStub.class)
class AiConsentTest {

    private static final Duration WITHIN = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    @Inject
    CircuitBreakerMaintenance breakers;

    BrokerProbe broker;
    String replies;
    String expectations;

    @BeforeEach
    void setUp() {
        MapleStub.answerNormally();
        breakers.resetAll();
        broker = new BrokerProbe();
        replies = broker.listen(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
        expectations = broker.listen(Exchanges.CONVERSATION_EXPECT, RoutingKeys.Expect.CHOICE);
    }

    @AfterEach
    void tearDown() {
        broker.close();
    }

    @Test
    void withoutAChoiceTheFaqAnswersWithTheNoticeAndMapleIsNotAsked() {
        var user = TestUsers.newUserWithoutChoice();
        var tag = TestUsers.tag();
        var question = TestUsers.question(user, "how do I send money to my cousin? " + tag);
        broker.publish(Exchanges.SUPPORT_REQUESTS, question);

        var reply = reply(question);
        assertFalse(reply.body().startsWith(MapleStub.CANNED), reply.body());
        assertTrue(reply.body().contains("send 10 to @username"), "the send-money FAQ answer: " + reply.body());
        assertTrue(reply.body().endsWith(AiConsentService.NOTICE), reply.body());
        assertFalse(reply.body().contains("Was this helpful?"), reply.body());
        var payloads = reply.quickReplies().stream().map(QuickReply::payload).toList();
        assertTrue(payloads.containsAll(AiConsentService.OPTIONS), payloads.toString());
        assertTrue(payloads.size() <= 3, payloads.toString());

        var expectation = expectation(question);
        assertEquals(Exchanges.SUPPORT_REQUESTS, expectation.ownerExchange());
        assertEquals("ai-consent:2026-12-v1", expectation.context());
        assertEquals(List.of("notes only", "use Maple AI"), expectation.options());
        assertTrue(MapleStub.prompts(tag).isEmpty(), "no question goes to Maple without consent");
        assertTrue(consents(user).isEmpty(), "no answer is no choice");
    }

    @Test
    void choosingMapleIsRecordedAndTheNextQuestionGoesToMaple() {
        var user = TestUsers.newUserWithoutChoice();
        var first = TestUsers.question(user, "how do I send money to my cousin? " + TestUsers.tag());
        broker.publish(Exchanges.SUPPORT_REQUESTS, first);
        var expectation = expectation(first);

        var choose = answer(user, expectation.context(), "use Maple AI");
        broker.publish(Exchanges.SUPPORT_REQUESTS, choose);
        var confirmation = replyTo(choose.envelope().correlationId());
        assertTrue(confirmation.body().startsWith("🤖 OK"), confirmation.body());
        var recorded = consents(user);
        assertEquals(1, recorded.size());
        assertTrue(recorded.get(0).getBoolean("granted"));
        assertEquals("2026-12-v1", recorded.get(0).getString("wording_version"));
        assertEquals("first-answer", recorded.get(0).getString("source"));

        var tag = TestUsers.tag();
        var second = TestUsers.question(user, "how do I send money to my cousin? " + tag);
        broker.publish(Exchanges.SUPPORT_REQUESTS, second);
        var answer = reply(second);
        assertTrue(answer.body().startsWith(MapleStub.CANNED), answer.body());
        assertFalse(answer.body().contains(AiConsentService.NOTICE));
        assertEquals(1, MapleStub.prompts(tag).size());
    }

    @Test
    void aiOffFromTheCommandIsRecordedAndAnswersComeFromTheHelpNotesWithoutTheNotice() {
        var user = TestUsers.newUser(); // agreed earlier
        var off = answer(user, AiConsentService.COMMAND_CONTEXT, "off");
        broker.publish(Exchanges.SUPPORT_REQUESTS, off);
        assertTrue(replyTo(off.envelope().correlationId()).body().startsWith("OK — I'll answer from our help notes"));
        await().atMost(WITHIN).until(() -> consents(user).size() == 2);
        var latest = consents(user).get(1);
        assertFalse(latest.getBoolean("granted"));
        assertEquals("command", latest.getString("source"));

        var tag = TestUsers.tag();
        var question = TestUsers.question(user, "how do I send money to my cousin? " + tag);
        broker.publish(Exchanges.SUPPORT_REQUESTS, question);
        var reply = reply(question);
        assertFalse(reply.body().contains(AiConsentService.NOTICE), "the choice is made: " + reply.body());
        assertTrue(reply.body().contains("Was this helpful?"), reply.body());
        assertTrue(MapleStub.prompts(tag).isEmpty());

        broker.publish(Exchanges.USER_LIFECYCLE, new UserErasureRequested(Envelope.create(
                RoutingKeys.User.ERASURE_REQUESTED, "erase-" + UUID.randomUUID(), user.userRef()), user.whatsapp()));
        await().atMost(WITHIN).until(() -> consents(user).isEmpty());
    }

    private OutboundMessage reply(SupportQuestion question) {
        return replyTo(question.envelope().correlationId());
    }

    private OutboundMessage replyTo(String correlationId) {
        return broker.await(replies, OutboundMessage.class, m -> correlationId.equals(m.envelope().correlationId()),
                WITHIN);
    }

    private ConversationExpectation expectation(SupportQuestion question) {
        return broker.await(expectations, ConversationExpectation.class,
                e -> question.envelope().correlationId().equals(e.envelope().correlationId()), WITHIN);
    }

    private static ConfirmationAnswer answer(TestUsers.User user, String context, String text) {
        return new ConfirmationAnswer(Envelope.create(RoutingKeys.Support.CONFIRMATION_ANSWER,
                "SM" + UUID.randomUUID().toString().replace("-", ""), user.userRef()), user.whatsapp(), null,
                RoutingKeys.Expect.CHOICE, text, context);
    }

    private List<Row> consents(TestUsers.User user) {
        var rows = pool.preparedQuery("select * from ai_consent where user_ref = $1 order by id")
                .execute(Tuple.of(user.userRef())).await().indefinitely();
        var list = new ArrayList<Row>();
        rows.forEach(list::add);
        return list;
    }
}
