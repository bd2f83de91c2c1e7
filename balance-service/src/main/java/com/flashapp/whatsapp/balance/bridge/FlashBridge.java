package com.flashapp.whatsapp.balance.bridge;

import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static com.flashapp.whatsapp.balance.wallet.Times.instant;

/**
 * The Flash event bridge: Flash publishes no broker events, so for each linked user this service holds a
 * {@code myUpdates} subscription and turns updates into {@code payment.received} / {@code payment.sent}
 * ({@link Reconciler}). Every tick a replica renews the leases of the users it holds, drops those whose lease or
 * link is gone, and takes free users up to {@code wallet.bridge.max-users-per-replica} ({@link BridgeLeases}):
 * each user is held by exactly one replica, and a dead replica's users move within {@code lease-ttl + tick}.
 */
@ApplicationScoped
public class FlashBridge {

    /** A user the bridge may hold. */
    record Linked(String userRef, String tokenCiphertext, String flashAccountId, Instant linkedAt) {
    }

    private final Pool pool;
    private final TokenVault vault;
    private final BridgeLeases leases;
    private final Reconciler reconciler;
    private final WalletConfig.Bridge config;
    private final Vertx vertx;
    private final String wsUrl;
    private final Map<String, UserStream> streams = new ConcurrentHashMap<>();
    private final Map<String, Reconciler.Subject> subjects = new ConcurrentHashMap<>();
    /** Users with a reconciliation running, and those that need one more after it. */
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Set<String> again = ConcurrentHashMap.newKeySet();
    private volatile WebSocketClient client;

    public FlashBridge(Pool pool, TokenVault vault, BridgeLeases leases, Reconciler reconciler, WalletConfig config,
                       BalanceConfig balanceConfig, Vertx vertx, MeterRegistry registry) {
        this.pool = pool;
        this.vault = vault;
        this.leases = leases;
        this.reconciler = reconciler;
        this.config = config.bridge();
        this.vertx = vertx;
        this.wsUrl = config.bridge().wsUrl().filter(url -> !url.isBlank())
                .orElseGet(() -> balanceConfig.flash().url().replaceFirst("^http", "ws"));
        registry.gaugeMapSize("bridge.subscriptions", List.of(), streams);
    }

    @Scheduled(every = "${wallet.bridge.tick:10s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        if (!config.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return tick().onFailure().recoverWithItem(e -> {
            Log.warnf("Bridge tick failed, next tick retries: %s", e.toString());
            return 0;
        }).replaceWithVoid();
    }

    /** One round: renew, drop, take over. The number of users held afterwards. */
    public Uni<Integer> tick() {
        return activeLinks().flatMap(linked -> {
            var byUser = new java.util.HashMap<String, Linked>();
            linked.forEach(l -> byUser.put(l.userRef(), l));
            var held = new ArrayList<>(streams.keySet());
            return Multi.createFrom().iterable(held)
                    .onItem().transformToUniAndConcatenate(userRef -> {
                        var link = byUser.get(userRef);
                        if (link == null || !vault.decrypt(link.tokenCiphertext(), userRef)
                                .equals(streams.get(userRef).token())) {
                            // unlinked, stale or a new token: let go (a new token is picked up below)
                            return drop(userRef, true);
                        }
                        return leases.renew(userRef).flatMap(ours -> ours ? Uni.createFrom().voidItem()
                                : drop(userRef, false));
                    })
                    .collect().last()
                    .flatMap(x -> Multi.createFrom().iterable(linked)
                            .filter(l -> !streams.containsKey(l.userRef()))
                            .onItem().transformToUniAndConcatenate(this::tryHold)
                            .collect().last())
                    .map(x -> streams.size());
        });
    }

    /** Takes the user if their lease is free and this replica has room. */
    Uni<Void> tryHold(Linked link) {
        if (streams.size() >= config.maxUsersPerReplica()) {
            return Uni.createFrom().voidItem();
        }
        return leases.acquire(link.userRef()).invoke(acquired -> {
            if (acquired && !streams.containsKey(link.userRef())) {
                hold(link);
            }
        }).replaceWithVoid();
    }

    private void hold(Linked link) {
        var token = vault.decrypt(link.tokenCiphertext(), link.userRef());
        subjects.put(link.userRef(), new Reconciler.Subject(link.userRef(), token, link.flashAccountId(),
                link.linkedAt()));
        var stream = new UserStream(vertx, client(), wsUrl, link.userRef(), token, config.backoffMin(),
                config.backoffMax(), config.ackTimeout(), this::changed);
        streams.put(link.userRef(), stream);
        Log.infof("Bridge holds %s on %s", link.userRef(), leases.replicaId());
        stream.start();
    }

    private Uni<Void> drop(String userRef, boolean release) {
        var stream = streams.remove(userRef);
        subjects.remove(userRef);
        if (stream != null) {
            stream.stop();
            Log.infof("Bridge lets go of %s", userRef);
        }
        return release ? leases.release(userRef) : Uni.createFrom().voidItem();
    }

    /** An update or a (re)connect: reconcile, one run at a time per user, coalescing bursts. */
    private void changed(String userRef, String source) {
        var subject = subjects.get(userRef);
        if (subject == null) {
            return;
        }
        if (!running.add(userRef)) {
            again.add(userRef);
            return;
        }
        reconciler.reconcile(subject, source)
                .onFailure().recoverWithItem(e -> {
                    // the next update or reconnect reconciles again; nothing is lost, only later
                    Log.warnf("Bridge reconciliation for %s failed: %s", userRef, e.toString());
                    return 0;
                })
                .subscribe().with(count -> {
                    running.remove(userRef);
                    if (again.remove(userRef)) {
                        changed(userRef, source);
                    }
                });
    }

    /** Users this replica holds (tests, metrics). */
    public Set<String> held() {
        return new HashSet<>(streams.keySet());
    }

    /** Whether the user's subscription is connected and subscribed. */
    public boolean subscribed(String userRef) {
        var stream = streams.get(userRef);
        return stream != null && stream.subscribed();
    }

    /** Drops a user's connection as a network failure would; it reconnects with backoff (tests, operations). */
    public void forceReconnect(String userRef) {
        var stream = streams.get(userRef);
        if (stream != null) {
            vertx.runOnContext(v -> stream.drop());
        }
    }

    /** Lets go of every user (shutdown, tests). */
    public Uni<Void> releaseAll() {
        return Multi.createFrom().iterable(new ArrayList<>(streams.keySet()))
                .onItem().transformToUniAndConcatenate(userRef -> drop(userRef, true))
                .collect().last().replaceWithVoid();
    }

    void onStop(@Observes ShutdownEvent event) {
        // give the leases back so other replicas take the users at once instead of after the TTL (the shutdown
        // thread may block briefly; a replica that cannot reach Redis now just lets the leases expire)
        try {
            releaseAll().await().atMost(java.time.Duration.ofSeconds(3));
        } catch (RuntimeException e) {
            Log.infof("Bridge leases not released on shutdown (%s); they expire by themselves", e.toString());
        }
    }

    private Uni<List<Linked>> activeLinks() {
        return pool.preparedQuery("select user_ref, token_ciphertext, flash_account_id, linked_at from flash_link "
                        + "where status = 'ACTIVE' and token_ciphertext is not null order by user_ref")
                .execute(Tuple.tuple())
                .map(rows -> {
                    var result = new ArrayList<Linked>();
                    rows.forEach(row -> result.add(new Linked(row.getString("user_ref"),
                            row.getString("token_ciphertext"), row.getString("flash_account_id"),
                            instant(row, "linked_at"))));
                    return result;
                });
    }

    private WebSocketClient client() {
        if (client == null) {
            synchronized (this) {
                if (client == null) {
                    // Vert.x allows 50 WebSockets per host by default: every held user needs one to Flash's host
                    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20)
                            .setMaxMessageSize(4 << 20).setMaxConnections(config.maxUsersPerReplica() + 10));
                }
            }
        }
        return client;
    }
}
