package com.flashapp.whatsapp.balance.bridge;

import com.flashapp.whatsapp.balance.client.FlashWalletClient;
import com.flashapp.whatsapp.balance.client.WalletModels.Tx;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

/**
 * Turns a user's latest Flash transactions into {@code payment.received} / {@code payment.sent} events, each
 * exactly once (keyed by the Flash transaction id, see {@link EmittedTransactions}). Run on every update and on
 * every (re)connect, so a payment made while the subscription was down is still reported. Transactions from
 * before the link are never reported, and only settled ones are (an expired invoice never becomes a payment).
 */
@ApplicationScoped
public class Reconciler {

    /** Who to reconcile. */
    public record Subject(String userRef, String token, String flashAccountId, Instant linkedAt) {
    }

    private final FlashWalletClient flash;
    private final EmittedTransactions emitted;
    private final Pool pool;
    private final int depth;
    private final Duration emittedKept;

    public Reconciler(FlashWalletClient flash, EmittedTransactions emitted, Pool pool, WalletConfig config,
                      BalanceConfig balance) {
        this.flash = flash;
        this.emitted = emitted;
        this.pool = pool;
        this.depth = config.bridge().reconcileDepth();
        this.emittedKept = balance.housekeeping().paymentRows();
    }

    /** Emits what is new; the number of events emitted. */
    public Uni<Integer> reconcile(Subject subject, String source) {
        var linked = subject.linkedAt() == null ? Instant.EPOCH : subject.linkedAt().truncatedTo(ChronoUnit.SECONDS);
        // Housekeeping forgets emitted ids after balance.housekeeping.payment-rows: a transaction that old (less a
        // day, so a sweep racing this run cannot matter) is never emitted, or it would be notified a second time.
        var horizon = Instant.now().minus(emittedKept).plus(Duration.ofDays(1));
        var since = linked.isAfter(horizon) ? linked : horizon;
        return flash.latestPerWallet(subject.token(), depth).flatMap(txs -> Multi.createFrom().iterable(txs.stream()
                        .filter(tx -> tx.createdAt() != null && !tx.createdAt().isBefore(since))
                        .filter(tx -> tx.status() == null || "SUCCESS".equals(tx.status()))
                        .sorted(Comparator.comparing(Tx::createdAt).thenComparing(Tx::id))
                        .toList())
                .onItem().transformToUniAndConcatenate(tx -> pool.withTransaction(sql -> emitted.emitOnce(sql, tx.id(),
                        subject.userRef(), tx.direction(), source, event(subject, tx, source))))
                .collect().asList()
                .map(results -> (int) results.stream().filter(Boolean::booleanValue).count()))
                .invoke(count -> {
                    if (count > 0) {
                        Log.infof("Bridge reported %d new payment(s) for %s (%s)", count, subject.userRef(), source);
                    }
                });
    }

    static ContractMessage event(Subject subject, Tx tx, String source) {
        var amount = Math.abs(tx.amountMinor());
        var display = tx.displayAmount() == null ? null : tx.displayAmount().abs();
        if (tx.received()) {
            return new PaymentReceived(Envelope.create(RoutingKeys.FlashEvents.PAYMENT_RECEIVED, "flash:" + tx.id(),
                    subject.userRef()), tx.id(), subject.flashAccountId(), tx.walletId(), tx.currency(), amount, display,
                    tx.displayCurrency(), tx.counterparty(), tx.memo(), source, tx.createdAt());
        }
        return new PaymentSent(Envelope.create(RoutingKeys.FlashEvents.PAYMENT_SENT, "flash:" + tx.id(),
                subject.userRef()), tx.id(), subject.flashAccountId(), tx.walletId(), tx.currency(), amount, display,
                tx.displayCurrency(), tx.counterparty(), tx.memo(), source, tx.createdAt());
    }
}
