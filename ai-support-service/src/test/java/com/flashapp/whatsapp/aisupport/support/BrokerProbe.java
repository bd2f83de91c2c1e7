package com.flashapp.whatsapp.aisupport.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Plays command-service in tests: publishes support requests and reads what ai-support-service publishes through
 * taps (the messaging test kit), each taken message removed so waiting for B never returns A twice.
 */
public final class BrokerProbe implements AutoCloseable {

    private final TestBroker broker = new TestBroker();
    private final List<BrokerTap> taps = new ArrayList<>();

    /** Starts seeing what is published to {@code exchange} with {@code routingKey}; returns a handle for await. */
    public String listen(String exchange, String routingKey) {
        taps.add(BrokerTap.on().and(exchange, routingKey));
        return Integer.toString(taps.size() - 1);
    }

    public void publish(String exchange, ContractMessage message) {
        broker.publish(exchange, message);
    }

    /** The first message seen on {@code handle} of that type matching {@code filter}, waiting up to {@code timeout}. */
    public <T extends ContractMessage> T await(String handle, Class<T> type, Predicate<T> filter, Duration timeout) {
        return taps.get(Integer.parseInt(handle)).take(type, filter, timeout);
    }

    /** Whether a matching message arrives within {@code window}. */
    public <T extends ContractMessage> boolean arrives(String handle, Class<T> type, Predicate<T> filter,
                                                       Duration window) {
        try {
            await(handle, type, filter, window);
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() {
        taps.forEach(BrokerTap::close);
        broker.close();
    }
}
