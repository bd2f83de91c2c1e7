package com.flashapp.whatsapp.notification.repository;

import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;

/**
 * Encrypts linked accounts' addresses stored in clear (before encryption existed) and moves those under an older key
 * to the active one, a batch per run, so {@code account_link} holds no number in clear and old keys can be retired.
 */
@ApplicationScoped
public class AddressEncryptionJob {

    private static final int BATCH = 500;

    private final Pool pool;
    private final AddressCipher addresses;

    public AddressEncryptionJob(Pool pool, AddressCipher addresses) {
        this.pool = pool;
        this.addresses = addresses;
    }

    @Scheduled(every = "${app.address-key.re-encrypt-every:1h}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return encryptBatch().replaceWithVoid().onFailure().recoverWithItem(e -> {
            Log.warnf("Encrypting stored addresses failed (the next run retries): %s", e.getClass().getName());
            return null;
        });
    }

    /** One batch; the number of rows (re-)encrypted. */
    public Uni<Integer> encryptBatch() {
        return pool.preparedQuery("select user_ref, whatsapp from account_link where whatsapp not like $1 limit $2")
                .execute(Tuple.of(addresses.activeId() + ":%", BATCH))
                .flatMap(rows -> {
                    var todo = new ArrayList<Row>();
                    rows.forEach(todo::add);
                    return Multi.createFrom().iterable(todo)
                            .onItem().transformToUniAndConcatenate(this::encrypt)
                            .collect().asList()
                            .map(done -> (int) done.stream().filter(Boolean::booleanValue).count());
                })
                .invoke(count -> {
                    if (count > 0) {
                        Log.infof("Encrypted %d stored address(es) under the active key", count);
                    }
                });
    }

    private Uni<Boolean> encrypt(Row row) {
        var userRef = row.getString("user_ref");
        var stored = row.getString("whatsapp");
        var address = addresses.decrypt(stored, userRef);
        if (address.isEmpty()) {
            return Uni.createFrom().item(false); // under a key no longer configured: nothing to do but log on read
        }
        // only if unchanged meanwhile (a new link writes a fresh ciphertext)
        return pool.preparedQuery("update account_link set whatsapp = $3 where user_ref = $1 and whatsapp = $2")
                .execute(Tuple.of(userRef, stored, addresses.encrypt(address.get(), userRef)))
                .map(result -> result.rowCount() == 1);
    }
}
