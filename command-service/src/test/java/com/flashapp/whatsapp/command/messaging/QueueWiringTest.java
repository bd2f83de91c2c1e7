package com.flashapp.whatsapp.command.messaging;

import com.flashapp.whatsapp.command.service.IncomingMessageHandler;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * command-service's three queues, declared and consumed through the messaging module, reach its handler (the module's
 * own tests cover acks, the inbox, dead-lettering and recovery).
 */
@QuarkusTest
class QueueWiringTest {

    @InjectMock
    IncomingMessageHandler handler;

    @Test
    void inboundMessagesExpectationsAndLinkEventsReachTheHandler() {
        Mockito.when(handler.handle(ArgumentMatchers.any())).thenReturn(Uni.createFrom().voidItem());
        var userRef = "u_test_" + UUID.randomUUID().toString().replace("-", "");
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var inbound = new InboundMessage(Envelope.create(RoutingKeys.Inbound.TEXT, sid, userRef), sid,
                "whatsapp:+18765550101", "+18765550101", "Test", "help", false, List.of(), null, null, null, null,
                Instant.now());
        var expectation = new ConversationExpectation(Envelope.create(RoutingKeys.Expect.CODE, sid, userRef), "exp-1",
                Exchanges.WALLET_REQUESTS, "link", List.of(), Instant.now().plusSeconds(60));
        var linked = new AccountLinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_LINKED, sid, userRef),
                "whatsapp:+18765550101", "acc", "user", "alice", "USD", List.of());
        try (var broker = new TestBroker()) {
            broker.publish(Exchanges.WHATSAPP_INBOUND, inbound);
            broker.publish(Exchanges.CONVERSATION_EXPECT, expectation);
            broker.publish(Exchanges.FLASH_EVENTS, linked);
        }
        for (ContractMessage message : List.of(inbound, expectation, linked)) {
            Mockito.verify(handler, Mockito.timeout(15_000)).handle(message);
        }
        // whatsapp.inbound is sharded per user: four queues behind the hash exchange
        await().atMost(Duration.ofSeconds(20)).until(() -> java.util.stream.IntStream.range(0, 4)
                .allMatch(i -> TestBroker.depth(Queues.shard(Queues.COMMAND_INBOUND, i)) == 0)
                && TestBroker.depth(Queues.COMMAND_EXPECT) == 0 && TestBroker.depth(Queues.COMMAND_FLASH_EVENTS) == 0);
    }
}
