package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * "delete my data" ({@code user.erasure-requested}): the link (with the encrypted Flash token and the contact
 * directory entry), codes, pending requests, payments, audits, emitted ids, saved contacts, outbox events naming the user, and the
 * user's Redis keys (balance cache, history list, bridge lease) are deleted. The bridge lets go of the user's
 * subscription on its next round, since the link is gone. No {@code account.unlinked} is published: every service
 * erases on the same event, and command-service must not learn the user again.
 */
@ApplicationScoped
public class ErasureService {

    private static final List<String> BY_USER = List.of(
            "delete from flash_link where user_ref = $1",          // contact_directory goes with it (on delete cascade)
            "delete from contact_directory where user_ref = $1",
            "delete from code_challenge where user_ref = $1",
            "delete from otp_guard where user_ref = $1",
            "delete from pending_request where user_ref = $1",
            "delete from mfa_audit where user_ref = $1",
            "delete from payment_attempt where user_ref = $1",
            "delete from payment_intent where user_ref = $1",
            "delete from payment_request where user_ref = $1",
            "delete from payment_audit where user_ref = $1",
            "delete from emitted_transaction where user_ref = $1",
            "delete from saved_contact where user_ref = $1",
            "delete from payment_invite where user_ref = $1",
            // an event the relay has not published yet would tell other services about the user again
            "delete from outbox_event where position(convert_to($1, 'UTF8') in payload) > 0");

    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;

    public ErasureService(Pool pool, ReactiveRedisDataSource redis,
                          @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix) {
        this.pool = pool;
        this.redis = redis;
        this.keyPrefix = keyPrefix;
    }

    public Uni<Void> erase(UserErasureRequested request) {
        var userRef = request.envelope().userRef();
        if (userRef == null || userRef.isBlank()) {
            Log.warnf("Erasure %s without userRef: nothing to erase", request.envelope().messageId());
            return Uni.createFrom().voidItem();
        }
        return pool.withTransaction(c -> deleteRows(c, userRef))
                .flatMap(x -> redis.key(String.class)
                        .scan(new KeyScanArgs().match(keyPrefix + "*" + userRef + "*").count(500)).toMulti()
                        .collect().asList())
                .flatMap(keys -> keys.isEmpty() ? Uni.createFrom().voidItem()
                        : redis.key(String.class).del(keys.toArray(String[]::new)).replaceWithVoid())
                .invoke(() -> Log.infof("Erased the data of %s", userRef));
    }

    private static Uni<Void> deleteRows(SqlClient c, String userRef) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var sql : BY_USER) {
            chain = chain.flatMap(x -> c.preparedQuery(sql).execute(Tuple.of(userRef)).replaceWithVoid());
        }
        return chain;
    }
}
