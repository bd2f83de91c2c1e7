package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.notification.Preferences;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import com.flashapp.whatsapp.notification.repository.AccountRepository;
import com.flashapp.whatsapp.notification.repository.ConsentRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Opt-in to payment notifications. The first link asks once ("yes"/"no", a {@code confirmation} expectation that
 * command-service routes back as {@code confirmation.answer}); no answer means off. Every choice, here or through
 * {@code notifications on/off}, is recorded with its time and the wording's version ({@code notification_consent});
 * {@code notification_preferences.enabled} mirrors the latest one and is what the payment rules read.
 */
@ApplicationScoped
public class ConsentService {

    /** The expectation's context: {@code notifications-consent:<wording version>}. */
    public static final String CONTEXT = "notifications-consent:";

    static final String QUESTION = "🔔 Shall I send you payment notifications here on WhatsApp (a message when money "
            + "arrives or leaves your Flash wallet)? Reply *yes* or *no*. Until you say yes I won't send any; you can "
            + "change it any time with *notifications on* or *notifications off*.";
    static final String ON = "🔔 Payment notifications are on. Send *notifications off* to stop them, or "
            + "*notifications* to see your settings.";
    static final String OFF = "OK, no payment notifications. Send *notifications on* if you change your mind.";
    /** What command-service forwards as a "yes" (it forwards only yes or no words). */
    private static final Set<String> YES = Set.of("yes", "y", "yeah", "yep", "yup", "ok", "okay", "k", "sure",
            "confirm", "confirmed", "si", "sí", "oui", "ja", "correct", "go", "do it", "yes please", "👍", "✅");

    private final Pool pool;
    private final ConsentRepository consents;
    private final AccountRepository accounts;
    private final OutboundService outbound;
    private final Publisher publisher;
    private final NotificationConfig.Consent config;
    private final Clock clock;

    public ConsentService(Pool pool, ConsentRepository consents, AccountRepository accounts, OutboundService outbound,
                          Publisher publisher, NotificationConfig config, Clock clock) {
        this.pool = pool;
        this.consents = consents;
        this.accounts = accounts;
        this.outbound = outbound;
        this.publisher = publisher;
        this.config = config.consent();
        this.clock = clock;
    }

    /** The wording version recorded with a choice made now. */
    public String wordingVersion() {
        return config.wordingVersion();
    }

    /**
     * Inside the link's transaction: creates the user's preferences (notifications as their last recorded choice,
     * off without one) and, when no choice was ever recorded, stores the question in the outbox. True when asked.
     */
    public Uni<Boolean> onLinked(SqlClient c, AccountLinked event, ZoneId zone, Instant now) {
        var userRef = event.envelope().userRef();
        return consents.latest(c, userRef).flatMap(choice -> {
            var enabled = choice.map(ConsentRepository.Choice::granted).orElse(false);
            var defaults = Preferences.defaults(userRef, zone);
            return accounts.createDefaultPreferences(c, new Preferences(userRef, enabled, null, null, null, null,
                            zone, defaults.frequency()), now)
                    // preferences kept from before (an earlier link, settings changed while unlinked) never mean
                    // consent: without a recorded choice, notifications stay off until the user says yes
                    .flatMap(ignored -> c.preparedQuery("update notification_preferences set enabled = $2 "
                            + "where user_ref = $1 and enabled <> $2").execute(Tuple.of(userRef, enabled)))
                    .flatMap(ignored -> choice.isPresent() ? Uni.createFrom().item(false)
                            : outbound.store(c, questionId(event), event.envelope().correlationId(), userRef,
                                    RoutingKeys.Outbound.REPLY, event.whatsapp(), QUESTION, List.of(),
                                    List.of(new QuickReply("yes", "Yes, notify me"), new QuickReply("no", "No thanks")),
                                    null, null, null).replaceWith(true));
        });
    }

    /** After the link committed: the user's next "yes" or "no" answers the question (command-service routes it). */
    public Uni<Void> expectAnswer(AccountLinked event) {
        var expectation = new ConversationExpectation(event.envelope().follow(RoutingKeys.Expect.CONFIRMATION),
                questionId(event).toString(), Exchanges.NOTIFICATION_REQUESTS, CONTEXT + config.wordingVersion(),
                List.of(), clock.instant().plus(config.answerTtl()));
        return publisher.publish(Exchanges.CONVERSATION_EXPECT, expectation);
    }

    /** The answer to the question: recorded, applied to the preferences and confirmed, in one transaction. */
    public Uni<Void> onAnswer(ConfirmationAnswer answer) {
        var context = answer.context() == null ? "" : answer.context();
        var userRef = answer.envelope().userRef();
        if (!context.startsWith(CONTEXT) || userRef == null) {
            Log.warnf("Ignoring a confirmation answer with an unknown context for %s", userRef);
            return Uni.createFrom().voidItem();
        }
        var version = context.substring(CONTEXT.length());
        var granted = isYes(answer.answer());
        var now = clock.instant();
        var replyId = UUID.nameUUIDFromBytes(("consent-reply:" + answer.envelope().messageId())
                .getBytes(StandardCharsets.UTF_8));
        return pool.withTransaction(c -> consents.record(c, userRef, granted, version,
                                ConsentRepository.LINK_QUESTION, now)
                        .flatMap(ignored -> setEnabled(c, userRef, granted, now))
                        .flatMap(ignored -> answer.whatsapp() == null ? Uni.createFrom().item(false)
                                : outbound.store(c, replyId, answer.envelope().correlationId(), userRef,
                                        RoutingKeys.Outbound.REPLY, answer.whatsapp(), granted ? ON : OFF, List.of(),
                                        List.of(), null, null, answer.envelope().occurredAt())))
                .invoke(outbound::wakeRelay)
                .invoke(() -> Log.infof("Payment notification consent of %s: %s (wording %s)", userRef,
                        granted ? "granted" : "declined", version))
                .replaceWithVoid();
    }

    private Uni<Void> setEnabled(SqlClient c, String userRef, boolean enabled, Instant now) {
        return c.preparedQuery("update notification_preferences set enabled = $2, updated_at = $3 where user_ref = $1")
                .execute(Tuple.of(userRef, enabled, com.flashapp.whatsapp.notification.repository.OutboxRepository
                        .odt(now)))
                .replaceWithVoid();
    }

    static boolean isYes(String text) {
        var t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace("\uFE0F", "");
        return YES.contains(t) || t.startsWith("👍");
    }

    private static UUID questionId(AccountLinked event) {
        // derived from the event: a redelivered account.linked stores the same question, which is then ignored
        return UUID.nameUUIDFromBytes(("consent-question:" + event.envelope().messageId())
                .getBytes(StandardCharsets.UTF_8));
    }
}
