package com.flashapp.whatsapp.notification.repository;

import com.flashapp.whatsapp.notification.Preferences;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Optional;

import static com.flashapp.whatsapp.notification.repository.OutboxRepository.odt;

/** Who we can notify: linked accounts (address, display currency), the 24-hour window, preferences. */
@ApplicationScoped
public class AccountRepository {

    private final Pool pool;
    private final AddressCipher addresses;

    public AccountRepository(Pool pool, AddressCipher addresses) {
        this.pool = pool;
        this.addresses = addresses;
    }

    /** A linked Flash account and how to reach its owner. */
    public record Link(String userRef, String flashAccountId, String whatsapp, String displayCurrency,
                       String locale) {

        public Link(String userRef, String flashAccountId, String whatsapp, String displayCurrency) {
            this(userRef, flashAccountId, whatsapp, displayCurrency, null);
        }
    }

    /** Records that the user wrote at {@code at} (never moves the time back). */
    public Uni<Void> recordInbound(String userRef, Instant at, String businessNumber) {
        // the number follows the latest message (a late redelivery keeps the newer one)
        return pool.preparedQuery("insert into inbound_window (user_ref, last_inbound_at, business_number) "
                        + "values ($1, $2, $3) on conflict (user_ref) do update set "
                        + "business_number = case when excluded.last_inbound_at >= inbound_window.last_inbound_at "
                        + "then coalesce(excluded.business_number, inbound_window.business_number) "
                        + "else inbound_window.business_number end, "
                        + "last_inbound_at = greatest(inbound_window.last_inbound_at, excluded.last_inbound_at)")
                .execute(Tuple.of(userRef, odt(at), businessNumber))
                .replaceWithVoid();
    }

    /** Stores (or refreshes) a link; one Flash account belongs to one user. */
    public Uni<Void> link(SqlClient c, Link link, Instant now) {
        return c.preparedQuery("delete from account_link where flash_account_id = $1 and user_ref <> $2")
                .execute(Tuple.of(link.flashAccountId(), link.userRef()))
                .flatMap(ignored -> c.preparedQuery("insert into account_link (user_ref, flash_account_id, "
                                + "whatsapp, display_currency, linked_at, locale) values ($1, $2, $3, $4, $5, $6) "
                                + "on conflict (user_ref) do update set flash_account_id = excluded.flash_account_id, "
                                + "whatsapp = excluded.whatsapp, display_currency = excluded.display_currency, "
                                + "linked_at = excluded.linked_at, locale = excluded.locale")
                        .execute(Tuple.from(Arrays.asList(link.userRef(), link.flashAccountId(),
                                addresses.encrypt(link.whatsapp(), link.userRef()), link.displayCurrency(),
                                odt(now), link.locale()))))
                .replaceWithVoid();
    }

    /** Removes the link (and with it the stored address); returns the user it belonged to, if any. */
    public Uni<Optional<String>> unlink(SqlClient c, String userRef, String flashAccountId) {
        return c.preparedQuery("delete from account_link where user_ref = $1 or flash_account_id = $2 "
                        + "returning user_ref")
                .execute(Tuple.of(userRef, flashAccountId))
                .map(rows -> rows.size() == 0 ? Optional.<String>empty()
                        : Optional.of(rows.iterator().next().getString(0)))
                .map(found -> found.isPresent() ? found : Optional.ofNullable(userRef));
    }

    /** The link of a user (by userRef if known, else by Flash account id). */
    public Uni<Optional<Link>> findLink(SqlClient c, String userRef, String flashAccountId) {
        return c.preparedQuery("select * from account_link where user_ref = $1 or flash_account_id = $2 "
                        + "order by (user_ref = $1) desc limit 1")
                .execute(Tuple.of(userRef, flashAccountId))
                .map(rows -> rows.size() == 0 ? Optional.<Link>empty() : link(rows.iterator().next()));
    }

    /** Creates default preferences unless the user already has some. */
    public Uni<Void> createDefaultPreferences(SqlClient c, Preferences p, Instant now) {
        return c.preparedQuery("insert into notification_preferences (user_ref, enabled, time_zone, frequency, "
                        + "updated_at) values ($1, $2, $3, $4, $5) on conflict (user_ref) do nothing")
                .execute(Tuple.of(p.userRef(), p.enabled(), p.timeZone().getId(), p.frequency(), odt(now)))
                .replaceWithVoid();
    }

    public Uni<Optional<Preferences>> preferences(SqlClient c, String userRef) {
        return c.preparedQuery("select * from notification_preferences where user_ref = $1")
                .execute(Tuple.of(userRef))
                .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(preferences(rows.iterator().next())));
    }

    public Uni<Void> savePreferences(SqlClient c, Preferences p, Instant now) {
        return c.preparedQuery("insert into notification_preferences (user_ref, enabled, minimum_value, "
                        + "minimum_unit, quiet_start, quiet_end, time_zone, frequency, updated_at) values "
                        + "($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (user_ref) do update set "
                        + "enabled = excluded.enabled, minimum_value = excluded.minimum_value, "
                        + "minimum_unit = excluded.minimum_unit, quiet_start = excluded.quiet_start, "
                        + "quiet_end = excluded.quiet_end, time_zone = excluded.time_zone, "
                        + "frequency = excluded.frequency, updated_at = excluded.updated_at")
                .execute(Tuple.from(Arrays.asList(p.userRef(), p.enabled(), p.minimumValue(), p.minimumUnit(),
                        p.quietStart(), p.quietEnd(), p.timeZone().getId(), p.frequency(), odt(now))))
                .replaceWithVoid();
    }

    /** The link with its address decrypted; empty (and said in the log) when the address cannot be read. */
    private Optional<Link> link(Row r) {
        var userRef = r.getString("user_ref");
        var address = addresses.decrypt(r.getString("whatsapp"), userRef);
        if (address.isEmpty()) {
            Log.warnf("The address of %s is under an unknown key: cannot notify", userRef);
            return Optional.empty();
        }
        return Optional.of(new Link(userRef, r.getString("flash_account_id"), address.get(),
                r.getString("display_currency"), r.getString("locale")));
    }

    private static Preferences preferences(Row r) {
        BigDecimal minimum = r.getBigDecimal("minimum_value");
        return new Preferences(r.getString("user_ref"), r.getBoolean("enabled"), minimum,
                r.getString("minimum_unit"), r.getLocalTime("quiet_start"), r.getLocalTime("quiet_end"),
                ZoneId.of(r.getString("time_zone")), r.getString("frequency"));
    }
}
