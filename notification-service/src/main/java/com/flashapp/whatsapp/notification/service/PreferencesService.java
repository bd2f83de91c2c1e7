package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.notification.PreferencesGet;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.notification.Preferences;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.notification.repository.AccountRepository;
import com.flashapp.whatsapp.notification.repository.ConsentRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * notification.requests: changes and shows a user's notification preferences, and answers with a confirmation
 * stored in this service's own outbox (not sent over the broker). Opt-out takes effect with the commit.
 */
@ApplicationScoped
public class PreferencesService {

    private static final Set<String> FREQUENCIES = Set.of(Preferences.IMMEDIATE, Preferences.HOURLY,
            Preferences.DAILY);

    private final Pool pool;
    private final AccountRepository accounts;
    private final OutboundService outbound;
    private final MessageFormatter formatter;
    private final NotificationConfig.Notifications config;
    private final Clock clock;
    private final ConsentRepository consents;
    private final ConsentService consent;

    public PreferencesService(Pool pool, AccountRepository accounts, OutboundService outbound,
                              MessageFormatter formatter, NotificationConfig config, Clock clock,
                              ConsentRepository consents, ConsentService consent) {
        this.consents = consents;
        this.consent = consent;
        this.pool = pool;
        this.accounts = accounts;
        this.outbound = outbound;
        this.formatter = formatter;
        this.config = config.notifications();
        this.clock = clock;
    }

    public Uni<Void> update(PreferencesUpdate update) {
        var userRef = update.envelope().userRef();
        var now = clock.instant();
        return pool.withTransaction(c -> current(c, userRef).flatMap(current -> {
                    Preferences changed;
                    try {
                        changed = apply(current, update);
                    } catch (IllegalArgumentException e) {
                        return reply(c, update.envelope(), update.whatsapp(), formatter.invalid(e.getMessage()));
                    }
                    // notifications on/off is the user's consent (or its withdrawal): recorded like the link's answer
                    Uni<Void> recorded = update.enabled() == null ? Uni.createFrom().voidItem()
                            : consents.record(c, userRef, update.enabled(), consent.wordingVersion(),
                                    ConsentRepository.COMMAND, now);
                    return recorded.flatMap(ignored -> accounts.savePreferences(c, changed, now))
                            .invoke(() -> Log.infof("Notification preferences of %s changed", userRef))
                            .flatMap(ignored -> reply(c, update.envelope(), update.whatsapp(),
                                    formatter.preferences(changed, true)));
                }))
                .invoke(outbound::wakeRelay)
                .replaceWithVoid();
    }

    public Uni<Void> get(PreferencesGet get) {
        return pool.withTransaction(c -> current(c, get.envelope().userRef())
                        .flatMap(p -> reply(c, get.envelope(), get.whatsapp(), formatter.preferences(p, false))))
                .invoke(outbound::wakeRelay)
                .replaceWithVoid();
    }

    private Uni<Preferences> current(SqlClient c, String userRef) {
        return accounts.preferences(c, userRef)
                .map(p -> p.orElse(Preferences.defaults(userRef, ZoneId.of(config.defaultTimeZone()))));
    }

    private Uni<Boolean> reply(SqlClient c, Envelope request, String to, String body) {
        // derived from the request's id: a redelivered request stores the same reply, which is then ignored
        var id = UUID.nameUUIDFromBytes(("preferences-reply:" + request.messageId()).getBytes(StandardCharsets.UTF_8));
        return outbound.store(c, id, request.correlationId(), request.userRef(), RoutingKeys.Outbound.REPLY, to, body,
                List.of(), List.of(), null, null, request.occurredAt());
    }

    /** The preferences after the update; null fields keep their value. Throws with a user-facing reason. */
    static Preferences apply(Preferences p, PreferencesUpdate u) {
        boolean enabled = u.enabled() != null ? u.enabled() : p.enabled();
        BigDecimal minimum = p.minimumValue();
        String minimumUnit = p.minimumUnit();
        if (u.minimumAmount() != null) {
            var value = u.minimumAmount().value();
            if (value == null || value.signum() < 0) {
                throw new IllegalArgumentException("the minimum amount must be a positive number.");
            }
            minimum = value.signum() == 0 ? null : value;
            minimumUnit = value.signum() == 0 ? null
                    : u.minimumAmount().unit() == null ? "USD" : u.minimumAmount().unit().toUpperCase(Locale.ROOT);
        }
        var zone = p.timeZone();
        if (u.timeZone() != null && !u.timeZone().isBlank()) {
            try {
                zone = ZoneId.of(u.timeZone().trim());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException("I don't know the time zone \"" + u.timeZone().trim()
                        + "\" (try America/Jamaica).");
            }
        }
        LocalTime quietStart = p.quietStart();
        LocalTime quietEnd = p.quietEnd();
        if (u.quietHours() != null) {
            var q = u.quietHours().trim().toLowerCase(Locale.ROOT);
            if (q.equals("off") || q.isEmpty()) {
                quietStart = null;
                quietEnd = null;
            } else {
                var parts = q.split("\\s*[-–]\\s*");
                if (parts.length != 2) {
                    throw new IllegalArgumentException("quiet hours look like 22:00-07:00.");
                }
                quietStart = time(parts[0]);
                quietEnd = time(parts[1]);
                if (quietStart.equals(quietEnd)) {
                    throw new IllegalArgumentException("quiet hours need a different start and end.");
                }
            }
        }
        var frequency = p.frequency();
        if (u.frequency() != null) {
            frequency = u.frequency().trim().toLowerCase(Locale.ROOT);
            if (!FREQUENCIES.contains(frequency)) {
                throw new IllegalArgumentException("the frequency can be immediate, hourly or daily.");
            }
        }
        return new Preferences(p.userRef(), enabled, minimum, minimumUnit, quietStart, quietEnd, zone, frequency);
    }

    private static LocalTime time(String s) {
        try {
            var normalized = s.length() == 4 ? "0" + s : s;
            return LocalTime.parse(normalized.length() == 2 ? normalized + ":00" : normalized);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + s + "\" is not a time like 22:00.");
        }
    }
}
