package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.admin.AdminUserRequest;
import com.flashapp.whatsapp.notification.Preferences;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.notification.repository.AccountRepository;
import com.flashapp.whatsapp.notification.repository.AdminReportRepository;
import com.flashapp.whatsapp.notification.repository.AdminReportRepository.DeliveryStats;
import com.flashapp.whatsapp.notification.repository.AdminReportRepository.UserFacts;
import io.quarkus.logging.Log;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.text.NumberFormat;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * notification.requests from a verified admin (command-service checks who may ask): {@code admin.stats} answers
 * with delivery figures from this service's own outbox, {@code admin.user} with what is stored about one user
 * (preferences, masked address, last inbound, recent messages). No bodies and no full numbers in either answer.
 * The answer is stored in this service's outbox like every other reply.
 */
@ApplicationScoped
public class AdminReportService {

    static final String DAY = "day";
    static final String WEEK = "week";

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    private final AdminReportRepository reports;
    private final AccountRepository accounts;
    private final OutboundService outbound;
    private final MessageFormatter formatter;
    private final Pool pool;
    private final Template stats;
    private final Template statsInvalid;
    private final Template user;
    private final NotificationConfig.Admin config;
    private final ZoneId defaultZone;
    private final Locale locale;
    private final Clock clock;

    public AdminReportService(AdminReportRepository reports, AccountRepository accounts, OutboundService outbound,
                              MessageFormatter formatter, Pool pool,
                              @Location("admin_stats.txt") Template stats,
                              @Location("admin_stats_invalid.txt") Template statsInvalid,
                              @Location("admin_user.txt") Template user,
                              NotificationConfig config, Clock clock) {
        this.reports = reports;
        this.accounts = accounts;
        this.outbound = outbound;
        this.formatter = formatter;
        this.pool = pool;
        this.stats = stats;
        this.statsInvalid = statsInvalid;
        this.user = user;
        this.config = config.admin();
        this.defaultZone = ZoneId.of(config.notifications().defaultTimeZone());
        this.locale = Locale.forLanguageTag(config.notifications().locale());
        this.clock = clock;
    }

    public Uni<Void> stats(AdminStatsRequest request) {
        var period = request.period() == null || request.period().isBlank() ? DAY
                : request.period().trim().toLowerCase(Locale.ROOT);
        Duration length = switch (period) {
            case DAY -> Duration.ofDays(1);
            case WEEK -> Duration.ofDays(7);
            default -> null;
        };
        if (length == null) {
            return reply(request.envelope(), request.whatsapp(), "admin-stats-reply",
                    statsInvalid.data("period", request.period().trim()).render().strip());
        }
        var now = clock.instant();
        return reports.deliveryStats(now.minus(length), now, config.topErrorCodes())
                .map(s -> statsText(s, length))
                .flatMap(text -> reply(request.envelope(), request.whatsapp(), "admin-stats-reply", text))
                .invoke(() -> Log.infof("Admin stats (%s) answered", period));
    }

    public Uni<Void> user(AdminUserRequest request) {
        var userRef = request.subjectUserRef();
        var label = request.subjectLabel() == null || request.subjectLabel().isBlank() ? "That user"
                : request.subjectLabel();
        var now = clock.instant();
        var window = config.userActivityWindow();
        Uni<Optional<Preferences>> preferences = userRef == null ? Uni.createFrom().item(Optional.empty())
                : pool.withConnection(c -> accounts.preferences(c, userRef));
        Uni<UserFacts> facts = userRef == null
                ? Uni.createFrom().item(new UserFacts(Optional.empty(), Optional.empty(),
                new AdminReportRepository.UserActivity(0, 0, 0, 0, 0)))
                : reports.userFacts(userRef, now.minus(window));
        return Uni.combine().all().unis(preferences, facts).asTuple()
                .map(t -> userText(label, t.getItem1(), t.getItem2(), window))
                .flatMap(text -> reply(request.envelope(), request.whatsapp(), "admin-user-reply", text))
                .invoke(() -> Log.infof("Admin user report on %s answered", userRef));
    }

    String statsText(DeliveryStats s, Duration length) {
        var errors = s.topErrors().stream()
                .map(e -> e.code() + " ×" + number(e.count()))
                .collect(Collectors.joining(", "));
        return stats.data("period", span(length))
                .data("stored", number(s.stored()))
                .data("sent", number(s.sent()))
                .data("delivered", number(s.delivered()))
                .data("read", number(s.read()))
                .data("rate", rate(s.delivered(), s.sent()))
                .data("failed", number(s.failed()))
                .data("errors", errors.isEmpty() ? null : errors)
                .data("pending", number(s.pending()))
                .data("held", number(s.held()))
                .data("retries", number(s.retries()))
                .data("fallbacks", number(s.templateFallbacks()))
                .render().strip();
    }

    String userText(String label, Optional<Preferences> found, UserFacts facts, Duration window) {
        var zone = found.map(Preferences::timeZone).orElse(defaultZone);
        var template = user.data("label", label)
                .data("preferences", found.isPresent())
                .data("address", facts.whatsapp().map(AdminReportService::mask).orElse("not stored"))
                .data("lastInbound", facts.lastInboundAt()
                        .map(at -> WHEN.format(at.atZone(zone)) + " (" + zone.getId() + ")").orElse("never"))
                .data("window", span(window))
                .data("stored", number(facts.activity().stored()))
                .data("sent", number(facts.activity().sent()))
                .data("delivered", number(facts.activity().delivered()))
                .data("failed", number(facts.activity().failed()))
                .data("pending", number(facts.activity().pending()));
        found.ifPresent(p -> template
                .data("enabled", p.enabled())
                .data("minimum", p.minimumValue() == null ? "none" : formatter.money(p.minimumValue(),
                        p.minimumUnit()))
                .data("quiet", p.hasQuietHours() ? p.quietStart() + "–" + p.quietEnd() : "off")
                .data("digest", switch (p.frequency()) {
                    case Preferences.HOURLY -> "hourly";
                    case Preferences.DAILY -> "daily";
                    default -> "off (right away)";
                })
                .data("zone", p.timeZone().getId()));
        return template.render().strip();
    }

    private Uni<Void> reply(Envelope request, String to, String purpose, String body) {
        // derived from the request's id: a redelivered request stores the same reply, which is then ignored
        var id = UUID.nameUUIDFromBytes((purpose + ":" + request.messageId()).getBytes(StandardCharsets.UTF_8));
        return pool.withTransaction(c -> outbound.store(c, id, request.correlationId(), request.userRef(),
                        RoutingKeys.Outbound.REPLY, to, body, List.of(), List.of(), null, null, request.occurredAt()))
                .invoke(outbound::wakeRelay)
                .replaceWithVoid();
    }

    /** {@code whatsapp:+18765550101} → {@code +1876•••0101}: enough to recognise, not enough to dial. */
    static String mask(String address) {
        var number = address.startsWith("whatsapp:") ? address.substring("whatsapp:".length()) : address;
        if (number.length() <= 8) {
            return "•••" + number.substring(Math.max(0, number.length() - 2));
        }
        return number.substring(0, 5) + "•••" + number.substring(number.length() - 4);
    }

    /** The delivery rate as a percentage with one decimal; "n/a" when nothing was sent. */
    String rate(long delivered, long sent) {
        if (sent == 0) {
            return "n/a (nothing sent)";
        }
        var percent = NumberFormat.getNumberInstance(locale);
        percent.setMinimumFractionDigits(1);
        percent.setMaximumFractionDigits(1);
        return percent.format(100.0 * delivered / sent) + "%";
    }

    private String number(long n) {
        return NumberFormat.getIntegerInstance(locale).format(n);
    }

    static String span(Duration d) {
        long days = d.toDays();
        if (days >= 1 && d.equals(Duration.ofDays(days))) {
            return days == 1 ? "24 hours" : days + " days";
        }
        long hours = Math.max(1, d.toHours());
        return hours == 1 ? "hour" : hours + " hours";
    }
}
