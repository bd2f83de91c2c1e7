package com.flashapp.whatsapp.command.security;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Queues;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * command-service's own broker user (deploy/local/infra.sh), with the credentials the application itself uses: it may
 * not publish to an exchange another service owns (flash.events is balance's and the gateway's), nor consume another
 * service's queue, nor its dead letters. The application's own publishing and consuming is what every other test of
 * this module exercises.
 */
@QuarkusTest
class BrokerLeastPrivilegeTest {

    private static final int ACCESS_REFUSED = 403;

    @ConfigProperty(name = "rabbitmq-host")
    String host;
    @ConfigProperty(name = "rabbitmq-port")
    int port;
    @ConfigProperty(name = "rabbitmq-username")
    String username;
    @ConfigProperty(name = "rabbitmq-password")
    String password;
    @ConfigProperty(name = "rabbitmq-virtual-host")
    String virtualHost;

    private Connection connection;

    @BeforeEach
    void connect() throws Exception {
        assertEquals("command-service", username, "the test profile should use command-service's own broker user");
        var factory = new ConnectionFactory();
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        connection = factory.newConnection("least-privilege-test");
    }

    @AfterEach
    void close() throws IOException {
        connection.close();
    }

    @Test
    void cannotPublishToAnExchangeItDoesNotOwn() throws Exception {
        var channel = connection.createChannel();
        channel.confirmSelect();
        channel.basicPublish(Exchanges.FLASH_EVENTS, "payment.received",
                new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                "{\"forged\":true}".getBytes(StandardCharsets.UTF_8));
        var refused = assertThrows(Exception.class, () -> channel.waitForConfirmsOrDie(10_000));
        assertRefused(refused);
        assertFalse(channel.isOpen());
    }

    @Test
    void cannotConsumeAnotherServicesQueue() throws Exception {
        var channel = connection.createChannel();
        assertRefused(assertThrows(IOException.class,
                () -> channel.basicGet(Queues.BALANCE_WALLET_REQUESTS, false)));
    }

    @Test
    void cannotReadAnotherServicesDeadLetters() throws Exception {
        var channel = connection.createChannel();
        assertRefused(assertThrows(IOException.class,
                () -> channel.basicGet(Queues.dlq(Queues.NOTIFICATION_OUTBOUND), false)));
    }

    @Test
    void readsItsOwnQueue() throws Exception {
        var channel = connection.createChannel();
        // the same calls on its own queue are allowed (the running application declared it)
        var shard = Queues.shard(Queues.COMMAND_INBOUND, 0);
        assertEquals(shard, channel.queueDeclarePassive(shard).getQueue());
    }

    private static void assertRefused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close close) {
                assertEquals(ACCESS_REFUSED, close.getReplyCode(), close.getReplyText());
                return;
            }
        }
        throw new AssertionError("not refused by the broker's permissions", e);
    }
}
