package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.handoff.HandoffService;
import com.flashapp.whatsapp.aisupport.handoff.TicketRepository;
import com.flashapp.whatsapp.aisupport.repository.InteractionRepository;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.HandoffRequest;
import com.flashapp.whatsapp.contracts.support.SupportFeedback;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Stores "was this helpful?" feedback: the user's reply to the feedback choice (a {@code confirmation.answer} with
 * context {@code feedback:<answerId>}) or a {@code feedback} message. Stored with the answer's FAQ entries and
 * whether the fallback answered; the user is thanked. A second answer marked unhelpful (within
 * {@code app.support.handoff.unhelpful-window}, since the user's last ticket) hands the user over to a person.
 */
@ApplicationScoped
public class FeedbackService {

    private static final Set<String> POSITIVE = Set.of("👍", "yes", "y", "yeah", "yep", "ok", "good", "helpful", "1", "3");
    private static final Set<String> NEGATIVE = Set.of("👎", "no", "n", "nope", "bad", "2", "4");

    private final InteractionRepository interactions;
    private final Publisher publisher;
    private final Redactor redactor;
    private final TicketRepository tickets;
    private final HandoffService handoff;
    private final SupportConfig.Handoff handoffSettings;

    public FeedbackService(InteractionRepository interactions, Publisher publisher, Redactor redactor,
                           TicketRepository tickets, HandoffService handoff, SupportConfig config) {
        this.tickets = tickets;
        this.handoff = handoff;
        this.handoffSettings = config.handoff();
        this.interactions = interactions;
        this.publisher = publisher;
        this.redactor = redactor;
    }

    /** The reply to our feedback choice; other contexts are not ours to answer and are ignored. */
    public Uni<Void> onAnswer(ConfirmationAnswer answer) {
        var context = answer.context() == null ? "" : answer.context();
        if (!context.startsWith(AnswerService.FEEDBACK_CONTEXT)) {
            Log.warnf("Ignoring a confirmation answer with an unknown context for %s", answer.envelope().userRef());
            return Uni.createFrom().voidItem();
        }
        var helpful = helpful(answer.answer());
        if (helpful.isEmpty()) {
            Log.infof("Feedback reply not understood for %s", answer.envelope().userRef());
            return Uni.createFrom().voidItem();
        }
        var answerId = context.substring(AnswerService.FEEDBACK_CONTEXT.length());
        return store(answer.envelope(), answer.whatsapp(), answerId, helpful.get(), null);
    }

    public Uni<Void> onFeedback(SupportFeedback feedback) {
        var comment = feedback.comment() == null ? null : redactor.redact(feedback.comment());
        var answerId = feedback.answerId() == null || feedback.answerId().isBlank()
                ? "general-" + feedback.envelope().messageId() : feedback.answerId();
        return store(feedback.envelope(), feedback.whatsapp(), answerId, feedback.helpful(), comment);
    }

    /** 👍/yes/1 → helpful, 👎/no/2 → not helpful, else unknown. */
    static Optional<Boolean> helpful(String text) {
        var t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replace("\uFE0F", "");
        // skin-tone variants of the thumbs
        if (t.startsWith("👍")) {
            return Optional.of(true);
        }
        if (t.startsWith("👎")) {
            return Optional.of(false);
        }
        if (POSITIVE.contains(t)) {
            return Optional.of(true);
        }
        if (NEGATIVE.contains(t)) {
            return Optional.of(false);
        }
        return Optional.empty();
    }

    private Uni<Void> store(Envelope envelope, String whatsapp, String answerId, boolean helpful, String comment) {
        var userRef = envelope.userRef();
        return interactions.find(answerId)
                .map(found -> found.orElseGet(() -> new InteractionRepository.AnswerInfo(answerId, userRef, false,
                        List.of())))
                .flatMap(info -> interactions.saveFeedback(info, userRef, helpful, comment))
                .invoke(() -> Log.infof("Feedback on %s from %s: %s", answerId, userRef,
                        helpful ? "helpful" : "not helpful"))
                .flatMap(ignored -> whatsapp == null || helpful ? Uni.createFrom().item(false)
                        : tickets.unhelpfulTimes(userRef, Instant.now().minus(handoffSettings.unhelpfulWindow()), 2))
                .flatMap(twice -> twice ? handOver(envelope, whatsapp)
                        : whatsapp == null ? Uni.createFrom().voidItem()
                        : publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(
                                envelope.follow(RoutingKeys.Outbound.REPLY), whatsapp,
                                helpful ? "Thanks for the feedback! 🙏" : "Thanks for telling me. 🙏 If you still need "
                                        + "help, ask me another way or contact Flash support.",
                                List.of(), List.of(), null, null, envelope.occurredAt())));
    }

    /** Twice unhelpful: say sorry and open a ticket (its own message says what happens next). */
    private Uni<Void> handOver(Envelope envelope, String whatsapp) {
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(
                        envelope.follow(RoutingKeys.Outbound.REPLY), whatsapp,
                        "Sorry, I couldn't help you twice now. 🙏 Let me get you a person.", List.of(), List.of(),
                        null, null, envelope.occurredAt()))
                .flatMap(x -> handoff.open(envelope, whatsapp, null, HandoffRequest.UNHELPFUL));
    }
}
