package com.flashapp.whatsapp.balance.messaging;

import com.flashapp.whatsapp.balance.service.IncomingMessageHandler;
import com.flashapp.whatsapp.balance.support.FlashWireMock;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import io.quarkus.test.InjectMock;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * balance-service's two queues, declared and consumed through the messaging module, reach its handler (the module's
 * own tests cover acks, the inbox, dead-lettering and recovery).
 */
@QuarkusTest
@WithTestResource(FlashWireMock.class)
class QueueWiringTest {

    @InjectMock
    IncomingMessageHandler handler;

    @Test
    void walletRequestsAndPaymentEventsReachTheHandler() {
        Mockito.when(handler.handle(ArgumentMatchers.any())).thenReturn(Uni.createFrom().voidItem());
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        var request = new BalanceRequest(Envelope.create(RoutingKeys.Wallet.BALANCE_GET, sid, "u_test"),
                "whatsapp:+18765550101", false);
        var received = new PaymentReceived(Envelope.create(RoutingKeys.FlashEvents.PAYMENT_RECEIVED, "flash:tx", null),
                "tx-" + sid, "acc", "wallet", "USD", 100, new BigDecimal("1.00"), "USD", null, null, "test",
                Instant.now());
        try (var broker = new TestBroker()) {
            broker.publish(Exchanges.WALLET_REQUESTS, request);
            broker.publish(Exchanges.FLASH_EVENTS, received);
        }
        for (ContractMessage message : List.of(request, received)) {
            Mockito.verify(handler, Mockito.timeout(15_000)).handle(message);
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> TestBroker.depth(Queues.BALANCE_WALLET_REQUESTS) == 0
                && TestBroker.depth(Queues.BALANCE_FLASH_EVENTS) == 0);
    }
}
