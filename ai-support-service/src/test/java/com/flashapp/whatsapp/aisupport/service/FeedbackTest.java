package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.aisupport.support.MapleStub;
import com.flashapp.whatsapp.aisupport.support.TestUsers;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportFeedback;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 👍/👎 after an answer, through command-service's routing of the choice, and feedback messages. */
@QuarkusTest
class FeedbackTest {

    @Inject
    IncomingMessageHandler handler;

    @Inject
    Pool pool;

    BrokerProbe broker;

    @BeforeEach
    void setUp() throws Exception {
        MapleStub.answerNormally();
        broker = new BrokerProbe();
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
    }

    @Test
    void aThumbsUpOnTheHelpfulChoiceIsStoredWithTheAnswersFaqEntries() throws Exception {
        var expectations = broker.listen(Exchanges.CONVERSATION_EXPECT, RoutingKeys.Expect.CHOICE);
        var replies = broker.listen(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
        var user = TestUsers.newUser();
        var question = TestUsers.question(user, "what are the fees to send money?");
        handler.handle(question).await().atMost(Duration.ofSeconds(20));
        var expectation = broker.await(expectations, ConversationExpectation.class,
                e -> question.envelope().correlationId().equals(e.envelope().correlationId()), Duration.ofSeconds(20));

        // what command-service sends when the user taps 👍
        var answer = new ConfirmationAnswer(expectation.envelope().follow(RoutingKeys.Support.CONFIRMATION_ANSWER),
                user.whatsapp(), expectation.expectationId(), RoutingKeys.Expect.CHOICE, "👍", expectation.context());
        broker.publish(Exchanges.SUPPORT_REQUESTS, answer);

        var answerId = expectation.context().substring("feedback:".length());
        var row = await().atMost(Duration.ofSeconds(20)).until(() -> feedback(answerId), r -> r != null);
        assertTrue(row.getBoolean("helpful"));
        assertFalse(row.getBoolean("fallback"));
        assertEquals("fees", row.getArrayOfStrings("faq_ids")[0]);
        assertEquals(user.userRef(), row.getString("user_ref"));
        var interaction = pool.preparedQuery("select helpful from support_interaction where answer_id = $1")
                .execute(Tuple.of(answerId)).await().indefinitely().iterator().next();
        assertTrue(interaction.getBoolean("helpful"));
        var thanks = broker.await(replies, OutboundMessage.class,
                m -> answer.envelope().messageId() != null && m.body() != null && m.body().startsWith("Thanks")
                        && user.whatsapp().equals(m.to()), Duration.ofSeconds(20));
        assertEquals(user.whatsapp(), thanks.to());
    }

    @Test
    void aFeedbackMessageIsStoredWithItsRedactedComment() throws Exception {
        var user = TestUsers.newUser();
        var answerId = "ans-" + UUID.randomUUID();
        var feedback = new SupportFeedback(com.flashapp.whatsapp.contracts.Envelope.create(RoutingKeys.Support.FEEDBACK,
                "SM" + UUID.randomUUID(), user.userRef()), user.whatsapp(), answerId, false,
                "too long, and it asked me for 123456");
        broker.publish(Exchanges.SUPPORT_REQUESTS, feedback);

        var row = await().atMost(Duration.ofSeconds(20)).until(() -> feedback(answerId), r -> r != null);
        assertFalse(row.getBoolean("helpful"));
        assertEquals("too long, and it asked me for [code]", row.getString("comment"));
    }

    @Test
    void feedbackRepliesAreUnderstoodInTheirUsualForms() {
        assertEquals(true, FeedbackService.helpful("👍🏽").orElseThrow());
        assertEquals(true, FeedbackService.helpful(" YES ").orElseThrow());
        assertEquals(false, FeedbackService.helpful("👎").orElseThrow());
        assertEquals(false, FeedbackService.helpful("2").orElseThrow());
        assertTrue(FeedbackService.helpful("maybe").isEmpty());
        assertEquals(List.of("👍", "👎", "yes", "no"), AnswerService.FEEDBACK_OPTIONS);
    }

    private Row feedback(String answerId) {
        var rows = pool.preparedQuery("select * from support_feedback where answer_id = $1")
                .execute(Tuple.of(answerId)).await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next();
    }
}
