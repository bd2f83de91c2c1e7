package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;

/** Test users of the engine tests: fresh ids, a probe on every exchange we publish to, linking as Flash reports it. */
final class TestUsers {

    private TestUsers() {
    }

    static String newUserRef() {
        return "u_test_" + UUID.randomUUID().toString().replace("-", "");
    }

    static String newPhone() {
        return "+1876555" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
    }

    static BrokerProbe probe() throws Exception {
        return new BrokerProbe(Exchanges.WALLET_REQUESTS, Exchanges.SUPPORT_REQUESTS,
                Exchanges.NOTIFICATION_REQUESTS, Exchanges.WHATSAPP_OUTBOUND);
    }

    /** Publishes {@code account.linked} for the user and waits until command-service knows it. */
    static void link(BrokerProbe broker, Pool pool, String userRef, String phone, String username) throws Exception {
        broker.publish(Exchanges.FLASH_EVENTS, new AccountLinked(
                Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_LINKED, "test", userRef), "whatsapp:" + phone,
                "acc-" + userRef, "user-" + userRef, username, "JMD", List.of("w1")));
        await().atMost(Duration.ofSeconds(15)).until(() -> linked(pool, userRef));
    }

    static boolean linked(Pool pool, String userRef) {
        var rows = pool.preparedQuery("select linked from conversation_user where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely();
        return rows.size() == 1 && rows.iterator().next().getBoolean(0);
    }
}
