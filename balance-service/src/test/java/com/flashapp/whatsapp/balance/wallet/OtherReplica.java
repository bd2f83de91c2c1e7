package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.bridge.BridgeLeases;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Another bridge replica, for tests: it takes the leases of every linked user except the test's own, so the
 * replica under test holds only those (as it would in a cluster where the others are held elsewhere), and lets
 * them go after the test.
 */
final class OtherReplica {

    private static final Duration WAIT = Duration.ofSeconds(20);

    final BridgeLeases leases;
    private final List<String> parked = new ArrayList<>();

    OtherReplica(ReactiveRedisDataSource redis, String prefix) {
        this.leases = new BridgeLeases(redis, prefix, 120_000, "replica-other-" + UUID.randomUUID());
    }

    /** Takes every active user's lease but these. */
    void holdAllBut(Pool pool, Set<String> mine) {
        var refs = pool.preparedQuery("select user_ref from flash_link where status = 'ACTIVE'").execute(Tuple.tuple())
                .map(rows -> {
                    var result = new ArrayList<String>();
                    rows.forEach(row -> result.add(row.getString("user_ref")));
                    return result;
                }).await().atMost(WAIT);
        for (var ref : refs) {
            if (!mine.contains(ref) && leases.acquire(ref).await().atMost(WAIT)) {
                parked.add(ref);
            }
        }
    }

    void releaseAll() {
        parked.forEach(ref -> leases.release(ref).await().atMost(WAIT));
        parked.clear();
    }
}
