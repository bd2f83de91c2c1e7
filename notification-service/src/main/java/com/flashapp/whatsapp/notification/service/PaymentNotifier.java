package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.events.PaymentReceived;
import com.flashapp.whatsapp.contracts.events.PaymentSent;
import com.flashapp.whatsapp.notification.Payment;
import com.flashapp.whatsapp.notification.Preferences;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.notification.repository.AccountRepository;
import com.flashapp.whatsapp.notification.repository.AccountRepository.Link;
import com.flashapp.whatsapp.notification.repository.OutboxRepository;
import com.flashapp.whatsapp.notification.repository.PaymentNotificationRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Payment notifications: learns who to tell from account.linked, then for each payment event (once per Flash
 * transaction) applies the user's preferences: opt-out and minimum suppress it, quiet hours hold it until they
 * end, a digest holds it until the next hour or day; otherwise it is stored in the outbox at once. Held
 * notifications are released by a scheduled job, coalesced into one digest message when there are several.
 */
@ApplicationScoped
public class PaymentNotifier {

    private final Pool pool;
    private final AccountRepository accounts;
    private final PaymentNotificationRepository payments;
    private final OutboxRepository outbox;
    private final OutboundService outbound;
    private final MessageFormatter formatter;
    private final NotificationConfig.Notifications config;
    private final Clock clock;
    private final MeterRegistry registry;
    private final ConsentService consent;

    public PaymentNotifier(Pool pool, AccountRepository accounts, PaymentNotificationRepository payments,
                           OutboxRepository outbox, OutboundService outbound, MessageFormatter formatter,
                           NotificationConfig config, Clock clock, MeterRegistry registry, ConsentService consent) {
        this.consent = consent;
        this.pool = pool;
        this.accounts = accounts;
        this.payments = payments;
        this.outbox = outbox;
        this.outbound = outbound;
        this.formatter = formatter;
        this.config = config.notifications();
        this.clock = clock;
        this.registry = registry;
    }

    /**
     * account.linked: remembers the address and creates default preferences (immediate; notifications on only with
     * the user's recorded consent), and asks for that consent if it was never given or refused.
     */
    public Uni<Void> linked(AccountLinked event) {
        var userRef = event.envelope().userRef();
        if (userRef == null || event.whatsapp() == null || event.flashAccountId() == null) {
            Log.warnf("account.linked %s without userRef, address or account id: ignored",
                    event.envelope().messageId());
            return Uni.createFrom().voidItem();
        }
        var now = clock.instant();
        // the user's own locale and zone: the link's language in the number's country, the country's time zone
        var locale = UserLocales.locale(event.locale(), event.whatsapp(), formatter.defaultLocale());
        var zone = UserLocales.zone(event.whatsapp()).orElse(defaultZone());
        var link = new Link(userRef, event.flashAccountId(), event.whatsapp(), event.displayCurrency(),
                locale.toLanguageTag());
        return pool.withTransaction(c -> accounts.link(c, link, now)
                        .flatMap(ignored -> consent.onLinked(c, event, zone, now)))
                .invoke(asked -> {
                    if (asked) {
                        outbound.wakeRelay();
                    }
                })
                // published after the commit; a failed publish fails the event, whose redelivery stores nothing new
                .flatMap(asked -> asked ? consent.expectAnswer(event) : Uni.createFrom().voidItem());
    }

    /** account.unlinked: forgets the address and drops the user's waiting notifications. */
    public Uni<Void> unlinked(AccountUnlinked event) {
        var now = clock.instant();
        return pool.withTransaction(c -> accounts.unlink(c, event.envelope().userRef(), event.flashAccountId())
                .flatMap(userRef -> userRef.isEmpty() ? Uni.createFrom().voidItem()
                        : payments.cancelHeld(c, userRef.get())
                        .flatMap(ignored -> outbox.cancelNotifications(c, userRef.get(), now))
                        .replaceWithVoid()));
    }

    public Uni<Void> received(PaymentReceived e) {
        return notify(e.envelope(), e.flashAccountId(), new Payment(e.transactionId(), Payment.RECEIVED, null,
                e.walletCurrency(), e.amountMinor(), e.displayAmount(), e.displayCurrency(), e.counterparty(),
                e.memo(), clock.instant()));
    }

    public Uni<Void> sent(PaymentSent e) {
        return notify(e.envelope(), e.flashAccountId(), new Payment(e.transactionId(), Payment.SENT, null,
                e.walletCurrency(), e.amountMinor(), e.displayAmount(), e.displayCurrency(), e.counterparty(),
                e.memo(), clock.instant()));
    }

    private Uni<Void> notify(Envelope envelope, String flashAccountId, Payment event) {
        if (event.transactionId() == null) {
            Log.warnf("%s %s without transaction id: ignored", event.eventType(), envelope.messageId());
            return Uni.createFrom().voidItem();
        }
        var now = clock.instant();
        return pool.withTransaction(c -> accounts.findLink(c, envelope.userRef(), flashAccountId)
                        .flatMap(link -> {
                            if (link.isEmpty()) {
                                var who = envelope.userRef() != null ? envelope.userRef() : "account:" + flashAccountId;
                                return payments.insert(c, withUser(event, who, null), "no_recipient", "not linked",
                                        null, null).invoke(inserted -> outcome("no_recipient", inserted))
                                        .replaceWith(false);
                            }
                            var payment = withUser(event, link.get().userRef(), link.get().displayCurrency());
                            return accounts.preferences(c, payment.userRef())
                                    .map(p -> p.orElse(Preferences.defaults(payment.userRef(), defaultZone())))
                                    .flatMap(prefs -> decide(c, link.get(), payment, prefs, envelope, now));
                        }))
                .invoke(stored -> {
                    if (stored) {
                        outbound.wakeRelay();
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Boolean> decide(SqlClient c, Link link, Payment payment, Preferences prefs, Envelope envelope,
                                Instant now) {
        if (!prefs.enabled()) {
            return payments.insert(c, payment, "suppressed", "opted_out", null, null)
                    .invoke(inserted -> outcome("opted_out", inserted)).replaceWith(false);
        }
        if (belowMinimum(payment, prefs)) {
            return payments.insert(c, payment, "suppressed", "below_minimum", null, null)
                    .invoke(inserted -> outcome("below_minimum", inserted)).replaceWith(false);
        }
        var heldUntil = heldUntil(prefs, now);
        if (heldUntil != null) {
            return payments.insert(c, payment, "held", Preferences.IMMEDIATE.equals(prefs.frequency())
                            ? "quiet_hours" : "digest", heldUntil, null)
                    .invoke(inserted -> outcome("held", inserted)).replaceWith(false);
        }
        var outboundId = UUID.nameUUIDFromBytes(("payment:" + payment.transactionId() + ":" + payment.eventType())
                .getBytes(StandardCharsets.UTF_8));
        return payments.insert(c, payment, "notified", null, null, outboundId)
                .flatMap(inserted -> {
                    outcome("notified", inserted);
                    if (!inserted) {
                        return Uni.createFrom().item(false);
                    }
                    var rendered = formatter.payment(payment, localeOf(link));
                    return outbound.store(c, outboundId, envelope.correlationId(), payment.userRef(),
                            RoutingKeys.Outbound.NOTIFICATION, link.whatsapp(), rendered.body(), List.of(), List.of(),
                            rendered.templateKey(), rendered.variables(), null);
                });
    }

    /** The locale the link recorded; the service-wide one for links made before it was recorded. */
    private Locale localeOf(Link link) {
        return link.locale() == null ? formatter.defaultLocale() : Locale.forLanguageTag(link.locale());
    }

    /** Releases held notifications that are due: one message per user, a digest when there are several. */
    @Scheduled(every = "${app.notifications.flush-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledRelease() {
        return releaseDue().replaceWithVoid();
    }

    /** Releases what is due now; returns how many users got a message. */
    public Uni<Integer> releaseDue() {
        var now = clock.instant();
        return pool.withTransaction(c -> payments.usersDue(c, now, 100)
                        .flatMap(users -> {
                            Uni<Integer> chain = Uni.createFrom().item(0);
                            for (var userRef : users) {
                                chain = chain.flatMap(n -> release(c, userRef).map(sent -> n + (sent ? 1 : 0)));
                            }
                            return chain;
                        }))
                .invoke(n -> {
                    if (n > 0) {
                        outbound.wakeRelay();
                    }
                });
    }

    private Uni<Boolean> release(SqlClient c, String userRef) {
        return payments.held(c, userRef).flatMap(held -> accounts.findLink(c, userRef, null)
                .flatMap(link -> {
                    if (held.isEmpty() || link.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    var locale = localeOf(link.get());
                    var rendered = held.size() == 1 ? formatter.payment(held.get(0), locale)
                            : formatter.digest(held, locale);
                    var outboundId = UUID.nameUUIDFromBytes(("digest:" + userRef + ":" + held.get(0).transactionId()
                            + ":" + held.size()).getBytes(StandardCharsets.UTF_8));
                    return outbound.store(c, outboundId, "digest-" + outboundId, userRef,
                                    RoutingKeys.Outbound.NOTIFICATION, link.get().whatsapp(), rendered.body(),
                                    List.of(), List.of(), rendered.templateKey(), rendered.variables(), null)
                            .flatMap(ignored -> payments.markReleased(c, held, outboundId))
                            .invoke(() -> registry.counter("notification.payments.released",
                                    "kind", held.size() == 1 ? "single" : "digest").increment())
                            .replaceWith(true);
                }));
    }

    /** When a notification must wait (quiet hours now, or the next digest), else null. */
    Instant heldUntil(Preferences prefs, Instant now) {
        var zone = prefs.timeZone();
        var local = now.atZone(zone);
        Instant due = null;
        if (Preferences.HOURLY.equals(prefs.frequency())) {
            due = local.truncatedTo(ChronoUnit.HOURS).plusHours(1).toInstant();
        } else if (Preferences.DAILY.equals(prefs.frequency())) {
            var today = local.toLocalDate().atTime(dailyDigestTime()).atZone(zone);
            due = (today.isAfter(local) ? today : today.plusDays(1)).toInstant();
        }
        var check = due == null ? now : due;
        if (inQuietHours(prefs, check)) {
            return quietEnd(prefs, check);
        }
        return due;
    }

    static boolean inQuietHours(Preferences prefs, Instant at) {
        if (!prefs.hasQuietHours()) {
            return false;
        }
        var t = at.atZone(prefs.timeZone()).toLocalTime();
        var start = prefs.quietStart();
        var end = prefs.quietEnd();
        return start.isBefore(end) ? !t.isBefore(start) && t.isBefore(end) : !t.isBefore(start) || t.isBefore(end);
    }

    static Instant quietEnd(Preferences prefs, Instant at) {
        ZonedDateTime local = at.atZone(prefs.timeZone());
        var end = local.toLocalDate().atTime(prefs.quietEnd()).atZone(prefs.timeZone());
        return (end.isAfter(local) ? end : end.plusDays(1)).toInstant();
    }

    static boolean belowMinimum(Payment p, Preferences prefs) {
        if (prefs.minimumValue() == null || prefs.minimumUnit() == null
                || prefs.minimumValue().signum() <= 0) {
            return false;
        }
        var unit = prefs.minimumUnit().toUpperCase(Locale.ROOT);
        var wallet = p.walletCurrency() == null ? "" : p.walletCurrency().toUpperCase(Locale.ROOT);
        BigDecimal amount = null;
        if (Amount.SATS.equals(unit) && "BTC".equals(wallet)) {
            amount = BigDecimal.valueOf(p.amountMinor());
        } else if (Amount.BTC.equals(unit) && "BTC".equals(wallet)) {
            amount = BigDecimal.valueOf(p.amountMinor()).movePointLeft(8);
        } else if (unit.equalsIgnoreCase(p.displayCurrency()) && p.displayAmount() != null) {
            amount = p.displayAmount();
        } else if (Amount.USD.equals(unit) && "USD".equals(wallet)) {
            amount = BigDecimal.valueOf(p.amountMinor()).movePointLeft(2);
        }
        // a minimum in a unit this payment cannot be compared with never hides a payment
        return amount != null && amount.compareTo(prefs.minimumValue()) < 0;
    }

    private Payment withUser(Payment p, String userRef, String linkCurrency) {
        var displayCurrency = p.displayCurrency() != null ? p.displayCurrency()
                : linkCurrency != null ? linkCurrency : null;
        return new Payment(p.transactionId(), p.eventType(), userRef, p.walletCurrency(), p.amountMinor(),
                p.displayAmount(), displayCurrency, p.counterparty(), p.memo(), p.createdAt());
    }

    private void outcome(String outcome, boolean inserted) {
        registry.counter("notification.payments", "outcome", inserted ? outcome : "duplicate").increment();
    }

    private ZoneId defaultZone() {
        return ZoneId.of(config.defaultTimeZone());
    }

    private LocalTime dailyDigestTime() {
        return LocalTime.parse(config.dailyDigestAt());
    }
}
