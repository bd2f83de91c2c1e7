package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.balance.service.IncomingMessageHandler;
import com.flashapp.whatsapp.contracts.ContractMessage;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

/**
 * What the wallet flow tests share: the handler they feed as the broker would, what {@code WalletFixture} needs to
 * make linked users, breakers closed at each start, and a {@code WalletProbe} on what the service publishes.
 */
abstract class WalletFlowTest {

    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    IncomingMessageHandler handler;
    @Inject
    Pool pool;
    @Inject
    LinkRepository links;
    @Inject
    TokenVault vault;
    @Inject
    CircuitBreakerMaintenance breakers;

    WalletProbe probe;

    @BeforeEach
    void closeBreakersAndListen() throws Exception {
        breakers.resetAll();
        probe = new WalletProbe();
    }

    @AfterEach
    void stopListening() throws Exception {
        probe.close();
    }

    /** Handles a message as its consumer would, to the end. */
    void handle(ContractMessage message) {
        handler.handle(message).await().atMost(WAIT);
    }
}
