package com.flashapp.whatsapp.balance.crypto;

import com.flashapp.whatsapp.balance.repository.LinkRepository;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Moves tokens encrypted with an older key to the active key, so an old key can be removed from config once
 * a run reports nothing left. Cached data needs no job: it expires within minutes.
 */
@ApplicationScoped
public class ReEncryptJob {

    private static final int BATCH = 200;

    private final LinkRepository links;
    private final TokenVault vault;

    public ReEncryptJob(LinkRepository links, TokenVault vault) {
        this.links = links;
        this.vault = vault;
    }

    @Scheduled(every = "${balance.crypto.re-encrypt-interval:1h}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        return reEncryptAll().invoke(count -> {
            if (count > 0) {
                Log.infof("Re-encrypted %d Flash tokens with key %s", count, vault.activeKeyId());
            }
        }).onFailure().recoverWithItem(e -> {
            Log.warnf("Re-encrypt run failed: %s", e.toString());
            return 0;
        }).replaceWithVoid();
    }

    /** Re-encrypts every token not under the active key; the number of rows moved. */
    public Uni<Integer> reEncryptAll() {
        return links.tokensNotUnder(vault.activeKeyId(), BATCH).flatMap(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return Multi.createFrom().iterable(rows)
                    .onItem().transformToUniAndConcatenate(row -> links.replaceToken(row[0], row[1],
                            vault.reEncrypt(row[1], row[0])))
                    .collect().asList()
                    .flatMap(done -> rows.size() < BATCH ? Uni.createFrom().item(done.size())
                            : reEncryptAll().map(more -> done.size() + more));
        });
    }
}
