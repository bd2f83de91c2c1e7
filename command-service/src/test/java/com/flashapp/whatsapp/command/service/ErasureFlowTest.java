package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.messaging.testkit.BrokerTap;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** "delete my data": a YES publishes the erasure for every service and leaves no row or key here; NO keeps all. */
@QuarkusTest
class ErasureFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "app.redis.key-prefix")
    String keyPrefix;

    BrokerProbe broker;
    String userRef;
    String phone;

    @BeforeEach
    void connect() throws Exception {
        broker = new BrokerProbe(Exchanges.WHATSAPP_OUTBOUND, Exchanges.USER_LIFECYCLE);
        userRef = TestUsers.newUserRef();
        phone = TestUsers.newPhone();
    }

    @AfterEach
    void disconnect() throws Exception {
        broker.close();
    }

    @Test
    void yesPublishesTheErasureAndLeavesNoRowOrKeyOfTheUser() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, null);
        redis.value(String.class).set(keyPrefix + "notice:english-replies:" + userRef, "1");
        redis.value(String.class).set(keyPrefix + "last-intent:" + userRef, "balance");
        var balance = broker.send(userRef, phone, "help");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, balance, s -> true);
        await().atMost(WAIT).until(() -> count("select count(*) from command_event where user_ref = $1") > 0);

        var ask = broker.send(userRef, phone, "delete my data");
        var question = assertInstanceOf(OutboundMessage.class,
                broker.await(Exchanges.WHATSAPP_OUTBOUND, ask, ErasureFlowTest::isQuestion).message());
        assertEquals(2, question.quickReplies().size());

        var yes = broker.send(userRef, phone, "YES");
        var seen = broker.await(Exchanges.USER_LIFECYCLE, yes, s -> true);
        assertEquals(RoutingKeys.User.ERASURE_REQUESTED, seen.routingKey());
        var erasure = assertInstanceOf(UserErasureRequested.class, seen.message());
        assertEquals(userRef, erasure.envelope().userRef());
        assertEquals("whatsapp:" + phone, erasure.whatsapp());

        await().atMost(WAIT).until(() -> count("select count(*) from conversation_user where user_ref = $1") == 0
                && count("select count(*) from command_event where user_ref = $1") == 0
                && !redis.key(String.class).scan(new io.quarkus.redis.datasource.keys.KeyScanArgs().match(keyPrefix + "*" + userRef + "*"))
                        .toIterable().iterator().hasNext());
    }

    @Test
    void noKeepsEverythingAndSaysSo() throws Exception {
        var ask = broker.send(userRef, phone, "delete my data");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, ask, ErasureFlowTest::isQuestion);

        var no = broker.send(userRef, phone, "no");
        var reply = assertInstanceOf(OutboundMessage.class,
                broker.await(Exchanges.WHATSAPP_OUTBOUND, no, s -> true).message());
        assertEquals(ErasureService.KEPT, reply.body());
        assertTrue(broker.all(Exchanges.USER_LIFECYCLE, no.messageSid()).isEmpty());
        assertEquals(1, count("select count(*) from conversation_user where user_ref = $1"));
    }

    private static boolean isQuestion(BrokerTap.Seen seen) {
        return seen.message() instanceof OutboundMessage m && m.body() != null
                && m.body().startsWith("This erases everything this chat keeps about you");
    }

    private long count(String sql) {
        return pool.preparedQuery(sql).execute(Tuple.of(userRef)).await().atMost(WAIT).iterator().next().getLong(0);
    }
}
