package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.support.BrokerProbe;
import com.flashapp.whatsapp.aisupport.support.TestUsers;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** "delete my data" reaches ai-support over the broker: no row or key of the user remains, others keep theirs. */
@QuarkusTest
class ErasureTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    BrokerProbe broker;

    @BeforeEach
    void setUp() throws Exception {
        broker = new BrokerProbe();
    }

    @AfterEach
    void tearDown() throws Exception {
        broker.close();
    }

    @Test
    void afterTheErasureEventNoRowOrKeyOfTheUserRemains() {
        var user = TestUsers.newUser();
        var other = TestUsers.newUser();
        for (var u : new TestUsers.User[] {user, other}) {
            var id = UUID.randomUUID().toString();
            pool.preparedQuery("insert into support_interaction (answer_id, user_ref, created_at, source, latency_ms, "
                            + "faq_ids, scores, question_redacted) values ($1, $2, now(), 'ai', 5, '{}', '{}', 'fees?')")
                    .execute(Tuple.of(id, u.userRef())).await().atMost(WAIT);
            pool.preparedQuery("insert into support_feedback (answer_id, user_ref, helpful, comment, fallback, faq_ids, "
                            + "received_at) values ($1, $2, false, 'too slow', false, '{}', now())")
                    .execute(Tuple.of(id, u.userRef())).await().atMost(WAIT);
            redis.value(String.class).set("aisupport:memory:" + u.userRef(), "x");
            redis.value(String.class).set("aisupport:throttle:" + u.userRef() + ":1", "1");
        }

        broker.publish(Exchanges.USER_LIFECYCLE, new UserErasureRequested(
                Envelope.create(RoutingKeys.User.ERASURE_REQUESTED, "SM" + UUID.randomUUID(), user.userRef()),
                user.whatsapp()));

        await().atMost(WAIT).until(() -> rows(user.userRef()) == 0 && keys(user.userRef()) == 0);
        assertEquals(2, rows(other.userRef()));
        assertEquals(2, keys(other.userRef()));
    }

    private long rows(String userRef) {
        return pool.preparedQuery("select (select count(*) from support_interaction where user_ref = $1) "
                        + "+ (select count(*) from support_feedback where user_ref = $1)")
                .execute(Tuple.of(userRef)).await().atMost(WAIT).iterator().next().getLong(0);
    }

    private long keys(String userRef) {
        return (int) java.util.stream.StreamSupport.stream(redis.key(String.class)
                .scan(new io.quarkus.redis.datasource.keys.KeyScanArgs().match("aisupport:*" + userRef + "*")).toIterable().spliterator(), false).count();
    }
}
