package com.flashapp.whatsapp.aisupport.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.aisupport.client.MapleClient;
import com.flashapp.whatsapp.aisupport.memory.ConversationMemory;
import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.aisupport.support.MapleStub;
import com.flashapp.whatsapp.aisupport.support.TestUsers;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Answering end to end against the real broker, PostgreSQL and Redis, with WireMock as the OpenAI-compatible provider
 * that records every prompt.
 */
@QuarkusTest
@QuarkusTestResource(MapleStub.class)
class AnswerFlowTest {

    private static final Duration REPLY_WITHIN = Duration.ofSeconds(20);

    @Inject
    IncomingMessageHandler handler;

    @Inject
    CircuitBreakerMaintenance breakers;

    @Inject
    AnswerService answers;

    @Inject
    RedisDataSource redis;

    @Inject
    ConversationMemory memory;

    @Inject
    ObjectMapper mapper;

    BrokerProbe broker;
    String replies;
    String expectations;

    @BeforeEach
    void setUp() throws Exception {
        MapleStub.answerNormally();
        breakers.resetAll();
        broker = new BrokerProbe();
        replies = broker.listen(Exchanges.WHATSAPP_OUTBOUND, RoutingKeys.Outbound.REPLY);
        expectations = broker.listen(Exchanges.CONVERSATION_EXPECT, RoutingKeys.Expect.CHOICE);
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
        breakers.resetAll();
    }

    @Test
    void answersAQuestionFromTheBrokerWithMapleGroundedInTheFaqThenAsksWhetherItHelped() throws Exception {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        var question = TestUsers.question(user, "how do I send money to my cousin? " + tag);
        broker.publish(Exchanges.SUPPORT_REQUESTS, question);

        var reply = reply(question);
        assertEquals(user.whatsapp(), reply.to());
        assertEquals(question.envelope().userRef(), reply.envelope().userRef());
        assertTrue(reply.body().startsWith(MapleStub.CANNED), reply.body());
        assertTrue(reply.body().contains("Was this helpful?"));
        // the FAQ entry's next step, then feedback as a tap (the payloads are options of the feedback choice)
        assertEquals(List.of("send", "👍", "👎"), reply.quickReplies().stream().map(QuickReply::payload).toList());
        assertTrue(AnswerService.FEEDBACK_OPTIONS.containsAll(List.of("👍", "👎")));
        reply.quickReplies().forEach(q -> assertTrue(q.title().length() <= 20));

        var expectation = broker.await(expectations, ConversationExpectation.class,
                e -> question.envelope().correlationId().equals(e.envelope().correlationId()), REPLY_WITHIN);
        assertEquals(Exchanges.SUPPORT_REQUESTS, expectation.ownerExchange());
        assertEquals("feedback:" + expectation.expectationId(), expectation.context());
        assertEquals(List.of("👍", "👎", "yes", "no"), expectation.options());
        assertTrue(expectation.expiresAt().isAfter(expectation.envelope().occurredAt()));

        var prompt = promptContaining(tag);
        assertEquals("llama-3.3-70b", prompt.get("model").asText());
        var system = prompt.get("messages").get(0);
        assertEquals("system", system.get("role").asText());
        // the send-money FAQ passage is in the prompt, with the hard rules
        assertTrue(system.get("content").asText().contains("Type *send 10 to @username*"));
        assertTrue(system.get("content").asText().contains("Never ask for, repeat or accept login codes"));
        var lastRequest = MapleStub.prompts(tag).get(0);
        assertEquals("Bearer sandbox-maple-key", lastRequest.getHeader("Authorization"));
    }

    @Test
    void thePromptCarriesTheConversationMemoryAndNoSecrets() throws Exception {
        var user = TestUsers.newUser();
        var first = TestUsers.question(user, "I got code 482913 from +1 876 555 0199, can I pay "
                + "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqypq with it?");
        handler.handle(first).await().atMost(REPLY_WITHIN);
        var tag = TestUsers.tag();
        var second = TestUsers.question(user, "and what are the fees for that? " + tag);
        handler.handle(second).await().atMost(REPLY_WITHIN);

        var prompt = promptContaining(tag);
        var messages = prompt.get("messages");
        var all = prompt.toString();
        assertFalse(all.contains("482913"), "code leaked");
        assertFalse(all.contains("lnbc2500u1"), "invoice leaked");
        assertFalse(all.contains("555 0199"), "phone leaked");
        // system, the remembered user question and answer, then the new question
        assertEquals(4, messages.size(), all);
        assertEquals("user", messages.get(1).get("role").asText());
        assertTrue(messages.get(1).get("content").asText().contains("[code]"));
        assertTrue(messages.get(1).get("content").asText().contains("[invoice]"));
        assertTrue(messages.get(1).get("content").asText().contains("[phone]"));
        assertEquals("assistant", messages.get(2).get("role").asText());
        assertEquals(MapleStub.CANNED, messages.get(2).get("content").asText());
        assertEquals("and what are the fees for that? " + tag, messages.get(3).get("content").asText());
        assertTrue(messages.get(0).get("content").asText().contains("usually free"), "fees passage");

        // stored encrypted: nothing readable in Redis
        var stored = redis.value(String.class).get(memory.key(user.userRef()));
        assertNotNull(stored);
        assertTrue(stored.startsWith("dev-1:"));
        assertFalse(stored.contains("fees"));
    }

    @Test
    void aQuestionCarryingACardNumberOrRecoveryPhraseIsRefusedWithAWarningAndNeverSentOrKept() throws Exception {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        var card = TestUsers.question(user, "support asked for my card 4111 1111 1111 1111 is that ok " + tag);
        broker.publish(Exchanges.SUPPORT_REQUESTS, card);
        var warning = reply(card);
        assertTrue(warning.body().contains("never share a card number"), warning.body());

        var phrase = TestUsers.question(user, "zoo cabbage giant orbit velvet ribbon jungle pepper shadow cactus "
                + "dolphin marble " + tag);
        broker.publish(Exchanges.SUPPORT_REQUESTS, phrase);
        var second = reply(phrase);
        assertTrue(second.body().contains("never share your recovery phrase"), second.body());

        assertEquals(0, MapleStub.calls(tag), "nothing of it reached the provider");
        assertNull(redis.value(String.class).get(memory.key(user.userRef())), "nothing of it remembered");
    }

    @Test
    void linksAndNumbersTheHelpNotesDoNotHaveAreRemovedFromAnAiAnswer() throws Exception {
        MapleStub.answerWith("Sure! Call +1 876 555 4242 or log in at http://flash-wallet-recovery.example/now.");
        var user = TestUsers.newUser();
        var question = TestUsers.question(user, "how do i recover my wallet " + TestUsers.tag());
        broker.publish(Exchanges.SUPPORT_REQUESTS, question);

        var answer = reply(question);
        assertFalse(answer.body().contains("555 4242"), answer.body());
        assertFalse(answer.body().contains("flash-wallet-recovery"), answer.body());
        assertTrue(answer.body().contains("[number removed]") && answer.body().contains("[link removed]"),
                answer.body());
    }

    @Test
    void throttlesAUserPastTheConfiguredNumberOfQuestionsWithAFriendlyMessage() throws Exception {
        var user = TestUsers.newUser();
        var tag = TestUsers.tag();
        for (int i = 0; i < 3; i++) {
            handler.handle(TestUsers.question(user, "is Flash safe? " + tag)).await().atMost(REPLY_WITHIN);
        }
        var fourth = TestUsers.question(user, "is Flash safe? " + tag);
        handler.handle(fourth).await().atMost(REPLY_WITHIN);

        var reply = reply(fourth);
        assertTrue(reply.body().contains("a lot of questions"), reply.body());
        assertEquals(3, MapleStub.calls(tag), "the throttled question never reaches the provider");
        // another user is not affected
        var other = TestUsers.question(TestUsers.newUser(), "is Flash safe?");
        handler.handle(other).await().atMost(REPLY_WITHIN);
        assertTrue(reply(other).body().startsWith(MapleStub.CANNED));
    }

    @Test
    void aSlowProviderIsCutOffAndTheAnswerComesFromTheFaqWithinTheTimeBudget() throws Exception {
        MapleStub.answerSlowly(8_000);
        var question = TestUsers.question(TestUsers.newUser(), "is my money safe with flash?");
        broker.publish(Exchanges.SUPPORT_REQUESTS, question);

        // timeout 1.5 s in tests (4 s in prod) + retrieval: far inside the provider's 8 s
        var reply = broker.await(replies, OutboundMessage.class,
                m -> question.envelope().correlationId().equals(m.envelope().correlationId()), Duration.ofSeconds(6));
        assertTrue(reply.body().startsWith(AnswerService.AUTOMATIC_MARK.strip()), reply.body());
        assertTrue(reply.body().contains("Flash staff will never ask for your login code"), reply.body());
        assertTrue(reply.body().contains("Was this helpful?"));
    }

    @Test
    void withTheProviderDownAndNoGoodMatchTheUserIsPointedToSupport() throws Exception {
        MapleStub.failWith(503);
        var question = TestUsers.question(TestUsers.newUser(), "zxqv plmokn wibble");
        handler.handle(question).await().atMost(REPLY_WITHIN);

        var reply = reply(question);
        assertTrue(reply.body().contains("can't answer that right now"), reply.body());
        assertTrue(reply.body().contains("support@flashapp.me"));
        assertEquals("help", reply.quickReplies().get(reply.quickReplies().size() - 1).payload(),
                "" + reply.quickReplies());
        assertTrue(reply.quickReplies().stream().noneMatch(q -> q.payload().equals("👍")), "no feedback on a non-answer");
        assertFalse(broker.arrives(expectations, ConversationExpectation.class,
                e -> question.envelope().correlationId().equals(e.envelope().correlationId()), Duration.ofSeconds(2)),
                "no 'helpful?' after a non-answer");
    }

    @Test
    void theCircuitBreakerOpensOnFailuresAndRecovers() throws Exception {
        MapleStub.failWith(500);
        var tag = TestUsers.tag();
        for (int i = 0; i < 4; i++) {
            var q = TestUsers.question(TestUsers.newUser(), "how do I check my balance? " + tag);
            handler.handle(q).await().atMost(REPLY_WITHIN);
            assertTrue(reply(q).body().startsWith(AnswerService.AUTOMATIC_MARK.strip()));
        }
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(MapleClient.BREAKER));
        var callsWhenOpened = MapleStub.calls(tag);
        var whileOpen = TestUsers.question(TestUsers.newUser(), "how do I check my balance? " + tag);
        handler.handle(whileOpen).await().atMost(REPLY_WITHIN);
        assertTrue(reply(whileOpen).body().startsWith(AnswerService.AUTOMATIC_MARK.strip()));
        assertEquals(callsWhenOpened, MapleStub.calls(tag), "an open breaker does not call the provider");

        MapleStub.answerNormally();
        // after the breaker's delay (3 s in tests) a trial call goes through and closes it
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            var q = TestUsers.question(TestUsers.newUser(), "how do I check my balance?");
            handler.handle(q).await().atMost(REPLY_WITHIN);
            return reply(q).body().startsWith(MapleStub.CANNED);
        });
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(MapleClient.BREAKER));
    }

    @Test
    void theBulkheadLimitsConcurrentProviderCallsAndTheRestAreAnsweredFromTheFaq() throws Exception {
        // bulkhead 2 + 1 waiting in tests; each provider call takes 1 s
        MapleStub.answerSlowly(1_000);
        var questions = new java.util.ArrayList<SupportQuestion>();
        var tag = TestUsers.tag();
        for (int i = 0; i < 6; i++) {
            questions.add(TestUsers.question(TestUsers.newUser(), "how do I receive money? " + tag));
        }
        var all = questions.stream().map(q -> handler.handle(q)).toList();
        io.smallrye.mutiny.Uni.join().all(all).andFailFast().await().atMost(REPLY_WITHIN);

        var bodies = questions.stream().map(q -> reply(q).body()).toList();
        var calls = MapleStub.calls(tag);
        assertTrue(calls <= 3, "at most bulkhead + queue reach the provider: " + calls);
        assertTrue(bodies.stream().filter(b -> b.startsWith(AnswerService.AUTOMATIC_MARK.strip())).count() >= 3,
                "the others are answered from the FAQ: " + bodies);
        assertTrue(bodies.stream().allMatch(b -> b.startsWith(MapleStub.CANNED) || b.contains("*receive 10*")),
                "everyone got an answer: " + bodies);
    }

    @Test
    void longModelOutputIsCutToTheWhatsAppLimitAtASentenceEnd() {
        var text = "Flash is a wallet. ".repeat(100);
        var fitted = answers.fit(text);
        assertTrue(fitted.length() <= 700, "length " + fitted.length());
        assertTrue(fitted.endsWith("wallet."), fitted);
        assertEquals("short answer", answers.fit("short answer"));
    }

    @Test
    void anAnswerNoFaqEntryGroundedOffersAHumanAndFeedback() {
        var buttons = AnswerService.quickReplies(com.flashapp.whatsapp.aisupport.repository.Interaction.Source.AI,
                List.of());
        assertEquals(List.of("support talk to a human", "👍", "👎"), buttons.stream().map(QuickReply::payload).toList());
        buttons.forEach(q -> assertTrue(q.title().length() <= 20, q.title()));
        var nonAnswer = AnswerService.quickReplies(
                com.flashapp.whatsapp.aisupport.repository.Interaction.Source.UNAVAILABLE, List.of());
        assertEquals(List.of("help"), nonAnswer.stream().map(QuickReply::payload).toList());
    }

    private OutboundMessage reply(SupportQuestion question) {
        return broker.await(replies, OutboundMessage.class,
                m -> question.envelope().correlationId().equals(m.envelope().correlationId()), REPLY_WITHIN);
    }

    private JsonNode promptContaining(String text) throws Exception {
        var requests = MapleStub.prompts(text);
        assertEquals(1, requests.size(), "one provider call with this prompt");
        var request = requests.get(0);
        return mapper.readTree(request.getBodyAsString());
    }
}
