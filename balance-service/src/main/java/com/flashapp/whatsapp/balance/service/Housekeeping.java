package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Data has a lifetime (docs/data-lifecycle.md): every table of balance-service loses its rows after the retention
 * configured under {@code balance.housekeeping.*}. A payment left SENDING (outcome unknown) is kept for an operator.
 */
@ApplicationScoped
public class Housekeeping {

    private final Pool pool;
    private final BalanceConfig.Housekeeping config;
    private final WalletConfig.Invites invites;

    public Housekeeping(Pool pool, BalanceConfig config, WalletConfig wallet) {
        this.pool = pool;
        this.config = config.housekeeping();
        this.invites = wallet.invites();
    }

    @Scheduled(every = "${balance.housekeeping.interval:10m}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> run() {
        return sweep().onFailure().recoverWithItem(e -> {
            Log.warnf("Housekeeping failed: %s", e.getClass().getName());
            return null;
        });
    }

    /** One sweep as of now. */
    public Uni<Void> sweep() {
        return sweep(Instant.now());
    }

    /** One sweep as of {@code now}. */
    public Uni<Void> sweep(Instant now) {
        var codes = utc(now.minus(config.codes()));
        var payments = utc(now.minus(config.paymentRows()));
        var audit = utc(now.minus(config.audit()));
        var statements = List.of(
                new Statement("delete from code_challenge where expires_at < $1", codes),
                new Statement("delete from otp_guard where window_started_at < $1 "
                        + "and (locked_until is null or locked_until < $2)", codes, utc(now)),
                new Statement("delete from pending_request where expires_at < $1", utc(now)),
                // a contact nobody said YES to
                new Statement("delete from saved_contact where status = 'PENDING' and expires_at < $1", utc(now)),
                // contacts live with the link: an unlinked (or erased) user's are gone on the next sweep
                new Statement("delete from saved_contact s where s.created_at < $1 and not exists "
                        + "(select 1 from flash_link l where l.user_ref = s.user_ref)", utc(now)),
                // an invite card nobody said YES to (its addresses with it)
                new Statement("delete from payment_invite where status = 'ASKED' and expires_at < $1", utc(now)),
                // closed invites (addresses already wiped) live as long as payment rows
                new Statement("delete from payment_invite where status in ('PAID', 'CANCELLED', 'DECLINED', "
                        + "'EXPIRED') and decided_at < $1", payments),
                // a number may get the invite message again once an invite lifetime has passed
                new Statement("delete from invite_notice where notified_at < $1", utc(now.minus(invites.ttl()))),
                new Statement("delete from outbox_event where published_at < $1", utc(now.minus(config.outbox()))),
                new Statement("delete from inbox_message where received_at < $1", utc(now.minus(config.inbox()))),
                new Statement("delete from payment_intent where created_at < $1 and status <> 'SENDING'", payments),
                new Statement("delete from payment_attempt where attempted_at < $1 "
                        + "and intent_id not in (select id from payment_intent)", payments),
                new Statement("delete from payment_request where created_at < $1", payments),
                new Statement("delete from emitted_transaction where emitted_at < $1", payments),
                new Statement("delete from mfa_audit where decided_at < $1", audit),
                new Statement("delete from payment_audit where decided_at < $1", audit));
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var statement : statements) {
            chain = chain.flatMap(x -> execute(statement));
        }
        return chain;
    }

    private Uni<Void> execute(Statement statement) {
        return pool.preparedQuery(statement.sql()).execute(Tuple.from(statement.args())).replaceWithVoid();
    }

    private record Statement(String sql, Object... args) {
    }

    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
}
