package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consent (issue 23): {@code ai on/off} goes to ai-support-service, which owns the choice; {@code privacy} says what
 * is kept and how to erase it; notification-service's consent question is answered by "yes"/"no" and lapses quietly.
 */
@QuarkusTest
class ConsentCommandsTest extends NewUserEngineTest {

    @Test
    void aiOnAndOffGoToAiSupportAsItsConsentAnswer() {
        for (var option : List.of("on", "off")) {
            var inbound = broker.send(userRef, phone, "ai " + option);
            var seen = broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                    s -> s.routingKey().equals(RoutingKeys.Support.CONFIRMATION_ANSWER));
            var answer = assertInstanceOf(ConfirmationAnswer.class, seen.message());
            assertEquals(option, answer.answer());
            assertEquals(CommandHandlers.AI_CONSENT_CONTEXT, answer.context());
            assertEquals("whatsapp:" + phone, answer.whatsapp());
            assertEquals(userRef, answer.envelope().userRef());
        }
        // "ai" alone explains the choice; a word it doesn't know says how to say it
        var alone = broker.send(userRef, phone, "ai");
        var explained = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, alone,
                s -> ((OutboundMessage) s.message()).body().contains("Maple AI")).message();
        assertEquals(List.of("ai on", "ai off"), explained.quickReplies().stream().map(QuickReply::payload).toList());
        var unknown = broker.send(userRef, phone, "ai maybe");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, unknown,
                s -> ((OutboundMessage) s.message()).body().contains("ai on"));
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, unknown.messageSid()).isEmpty());
    }

    @Test
    void privacyShowsWhatIsKeptAndHowToEraseIt() {
        var inbound = broker.send(userRef, phone, "privacy");
        var reply = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> ((OutboundMessage) s.message()).body().contains("What this chat keeps about you")).message();
        assertTrue(reply.body().contains("*delete my data*"), reply.body());
        assertTrue(reply.body().contains("*ai off*") && reply.body().contains("*notifications off*"), reply.body());
        assertTrue(reply.quickReplies().stream().anyMatch(q -> q.payload().equals("delete my data")));
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, inbound.messageSid()).stream()
                .noneMatch(s -> s.message() instanceof SupportQuestion), "not a question for AI support");
    }

    @Test
    void yesAnswersTheNotificationConsentQuestionAndSomethingElseLetsItLapseQuietly() {
        var id = expect("notifications-consent:2026-12-v1");
        var yes = broker.send(userRef, phone, "Yes");
        var seen = broker.await(Exchanges.NOTIFICATION_REQUESTS, yes,
                s -> s.routingKey().equals(RoutingKeys.Notification.CONFIRMATION_ANSWER));
        var answer = assertInstanceOf(ConfirmationAnswer.class, seen.message());
        assertEquals(id, answer.expectationId());
        assertEquals("notifications-consent:2026-12-v1", answer.context());

        expect("notifications-consent:2026-12-v1");
        var price = broker.send(userRef, phone, "price");
        broker.await(Exchanges.WALLET_REQUESTS, price, s -> s.message() instanceof PriceRequest);
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, price.messageSid()).stream()
                .noneMatch(s -> ((OutboundMessage) s.message()).body().contains("cancelled")),
                "no answer means no notifications: nothing to cancel out loud");
        assertTrue(broker.all(Exchanges.NOTIFICATION_REQUESTS, price.messageSid()).isEmpty());
    }

    private String expect(String context) {
        var id = "exp-" + UUID.randomUUID();
        broker.publish(Exchanges.CONVERSATION_EXPECT, new ConversationExpectation(
                Envelope.create(RoutingKeys.Expect.CONFIRMATION, "test", userRef), id,
                Exchanges.NOTIFICATION_REQUESTS, context, List.of(), Instant.now().plus(Duration.ofMinutes(5))));
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var stored = expectations.find(userRef).await().indefinitely();
            return stored != null && id.equals(stored.expectationId());
        });
        return id;
    }
}
