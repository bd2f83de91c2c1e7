package com.flashapp.whatsapp.gateway.messaging;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** "delete my data" reaches the gateway over the broker: the user's rate-limit keys go, another user's stay. */
@QuarkusTest
class UserErasureTest {

    @Inject
    RedisDataSource redis;

    @Test
    void theUsersRateLimitKeysAreDeletedAndOthersKept() throws Exception {
        var user = "u_erase_" + UUID.randomUUID().toString().replace("-", "");
        var other = "u_erase_" + UUID.randomUUID().toString().replace("-", "");
        for (var ref : new String[] {user, other}) {
            redis.value(String.class).set("gateway:bucket:" + ref, "5");
            redis.value(String.class).set("gateway:notice:" + ref, "1");
        }

        try (var broker = new TestBroker()) {
            broker.publish(Exchanges.USER_LIFECYCLE, new UserErasureRequested(
                    Envelope.create(RoutingKeys.User.ERASURE_REQUESTED, "SM" + UUID.randomUUID(), user),
                    "whatsapp:+18765550197"));
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> keys("gateway:*" + user + "*").isEmpty());
        assertEquals(2, keys("gateway:*" + other + "*").size());
        redis.key(String.class).del("gateway:bucket:" + other, "gateway:notice:" + other);
    }

    /** SCAN, not KEYS: the gateway's Redis user may not run KEYS (-@dangerous, deploy/local/infra.sh). */
    private java.util.List<String> keys(String pattern) {
        var found = new java.util.ArrayList<String>();
        redis.key(String.class).scan(new io.quarkus.redis.datasource.keys.KeyScanArgs().match(pattern))
                .toIterable().forEach(found::add);
        return found;
    }
}
