package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.repository.AiConsentRepository;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
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
 * Consent to answers from Maple AI, a third-party model. Until the user chooses, questions are answered from the FAQ
 * alone and the first such answer carries a one-line notice with the choice (a {@code choice} expectation, context
 * {@value #CONTEXT}{@code <wording version>}); {@code ai on/off} (command-service, a {@code confirmation.answer} with
 * context {@value #COMMAND_CONTEXT}) changes it. Each choice is recorded with its time and the wording's version.
 */
@ApplicationScoped
public class AiConsentService {

    public static final String CONTEXT = "ai-consent:";
    /** What command-service sends for {@code ai on} / {@code ai off} (answer {@code on} or {@code off}). */
    public static final String COMMAND_CONTEXT = CONTEXT + "command";
    static final String NOTES_ONLY = "notes only";
    static final String USE_MAPLE = "use Maple AI";
    /** The choice's options, in the order of the notice (so "1" and "2" work too). */
    static final List<String> OPTIONS = List.of(NOTES_ONLY, USE_MAPLE);
    static final String NOTICE = "\n\nℹ️ This answer is from our help notes. I can also answer with Maple AI, a "
            + "third-party AI model (your question goes to it without numbers or names): reply *1* for help notes "
            + "only or *2* to use Maple AI (*ai on*/*ai off* any time).";
    static final String GRANTED = "🤖 OK — I'll answer with Maple AI from now on (your questions go to it without "
            + "numbers or names). Send *ai off* to go back to the help notes only.";
    static final String DECLINED = "OK — I'll answer from our help notes only. Send *ai on* if you'd like answers "
            + "from Maple AI.";
    static final String FIRST_ANSWER = "first-answer";
    static final String COMMAND = "command";
    private static final Set<String> ON = Set.of("on", "yes", "2", USE_MAPLE.toLowerCase(Locale.ROOT));
    private static final Set<String> OFF = Set.of("off", "no", "1", NOTES_ONLY);

    private final AiConsentRepository consents;
    private final Publisher publisher;
    private final SupportConfig.AiConsent config;

    public AiConsentService(AiConsentRepository consents, Publisher publisher, SupportConfig config) {
        this.consents = consents;
        this.publisher = publisher;
        this.config = config.aiConsent();
    }

    /** The user's current choice; empty when they never chose. */
    public Uni<Optional<Boolean>> choice(String userRef) {
        return consents.latest(userRef);
    }

    public static boolean ours(ConfirmationAnswer answer) {
        return answer.context() != null && answer.context().startsWith(CONTEXT);
    }

    /** The buttons of the notice. */
    static List<QuickReply> buttons() {
        return List.of(new QuickReply(NOTES_ONLY, "Help notes only"), new QuickReply(USE_MAPLE, "Use Maple AI"));
    }

    /** The expectation that the user's next reply answers the notice (published after the answer). */
    Uni<Void> expectChoice(SupportQuestion question, String answerId) {
        return publisher.publish(Exchanges.CONVERSATION_EXPECT, new ConversationExpectation(
                question.envelope().follow(RoutingKeys.Expect.CHOICE), answerId, Exchanges.SUPPORT_REQUESTS,
                CONTEXT + config.wordingVersion(), OPTIONS, Instant.now().plus(config.expectationTtl())));
    }

    /** The notice's choice or {@code ai on/off}: recorded and confirmed. */
    public Uni<Void> onAnswer(ConfirmationAnswer answer) {
        var userRef = answer.envelope().userRef();
        var text = answer.answer() == null ? "" : answer.answer().strip().toLowerCase(Locale.ROOT);
        Boolean granted = ON.contains(text) ? Boolean.TRUE : OFF.contains(text) ? Boolean.FALSE : null;
        if (userRef == null || granted == null) {
            Log.warnf("AI consent answer not understood for %s: ignored", userRef);
            return Uni.createFrom().voidItem();
        }
        var fromCommand = COMMAND_CONTEXT.equals(answer.context());
        var version = fromCommand ? config.wordingVersion() : answer.context().substring(CONTEXT.length());
        return consents.record(userRef, granted, version, fromCommand ? COMMAND : FIRST_ANSWER, Instant.now())
                .invoke(() -> Log.infof("AI consent of %s: %s (wording %s)", userRef,
                        granted ? "granted" : "declined", version))
                .flatMap(ignored -> answer.whatsapp() == null ? Uni.createFrom().voidItem()
                        : publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(
                                answer.envelope().follow(RoutingKeys.Outbound.REPLY), answer.whatsapp(),
                                granted ? GRANTED : DECLINED, List.of(), List.of(), null, null,
                                answer.envelope().occurredAt())));
    }
}
