package com.flashapp.whatsapp.balance.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * The other services, as a test sees them: publishes requests and events as command-service and the bridge
 * would, and sees (through the messaging test kit's taps) everything balance-service publishes, by user.
 */
public final class BrokerProbe implements AutoCloseable {

    private final TestBroker broker = new TestBroker();
    private final BrokerTap tap = BrokerTap.on(Exchanges.WHATSAPP_OUTBOUND, Exchanges.CONVERSATION_EXPECT)
            .and(Exchanges.FLASH_EVENTS, "account.*");

    public void publish(String exchange, ContractMessage message) {
        broker.publish(exchange, message);
    }

    /** Waits for a message of this type for the user that matches; returns it. */
    public <T extends ContractMessage> T await(Class<T> type, String userRef, Predicate<T> matches) {
        return tap.await(type, m -> userRef.equals(m.envelope().userRef()) && matches.test(m), Duration.ofSeconds(20));
    }

    /** Messages of a type for a user received so far. */
    public <T extends ContractMessage> List<T> all(Class<T> type, String userRef) {
        return tap.messages(type, m -> userRef.equals(m.envelope().userRef()));
    }

    /** Forgets what was received, so the next await sees only newer messages. */
    public void clear() {
        tap.clear();
    }

    @Override
    public void close() {
        tap.close();
        broker.close();
    }
}
