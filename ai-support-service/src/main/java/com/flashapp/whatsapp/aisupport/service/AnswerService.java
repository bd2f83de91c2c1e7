package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.client.MapleClient;
import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.knowledge.FaqMatch;
import com.flashapp.whatsapp.aisupport.knowledge.KnowledgeBase;
import com.flashapp.whatsapp.aisupport.memory.ConversationMemory;
import com.flashapp.whatsapp.aisupport.memory.Turn;
import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.aisupport.repository.Interaction;
import com.flashapp.whatsapp.aisupport.repository.InteractionRepository;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Answers a support question: throttle, redact, retrieve FAQ passages, ask Maple with the memory (only with the user's
 * consent; otherwise the best FAQ answer, with the consent notice until they choose), fall back to the FAQ when the
 * provider fails, reply with suggestions, ask "helpful?", remember, log the interaction, and speak the answer too for
 * a user with voice replies on.
 */
@ApplicationScoped
public class AnswerService {

    /** The feedback choice: what command-service accepts as the user's next reply. */
    public static final List<String> FEEDBACK_OPTIONS = List.of("👍", "👎", "yes", "no");
    public static final String FEEDBACK_CONTEXT = "feedback:";
    static final String HELPFUL_PROMPT = "\n\nWas this helpful? Reply 👍 or 👎";
    static final String AUTOMATIC_MARK = "🤖 Automatic answer (our AI assistant is busy right now):\n\n";
    /** Feedback as a tap: the payloads are options of the feedback choice, so command-service routes them back. */
    static final QuickReply HELPFUL = new QuickReply("👍", "👍 Helpful");
    static final QuickReply NOT_HELPFUL = new QuickReply("👎", "👎 Not helpful");
    /** A question the FAQ's contact entry answers (how to reach Flash support), asked through command-service. */
    static final QuickReply HUMAN = new QuickReply("support talk to a human", "Talk to a human");
    static final QuickReply HELP = new QuickReply("help", "Show commands");
    /** WhatsApp shows at most three quick-reply buttons. */
    static final int MAX_QUICK_REPLIES = 3;

    /** What was answered and how. */
    record Answer(Interaction.Source source, String text, int promptTokens, int completionTokens) {
    }

    private final SupportConfig config;
    private final Throttle throttle;
    private final Redactor redactor;
    private final KnowledgeBase knowledgeBase;
    private final ConversationMemory memory;
    private final PromptBuilder prompts;
    private final MapleClient maple;
    private final Publisher publisher;
    private final InteractionRepository interactions;
    private final MeterRegistry registry;
    private final AnswerFilter filter;
    private final AiConsentService consent;
    private final VoiceReplyService voice;

    public AnswerService(SupportConfig config, Throttle throttle, Redactor redactor, KnowledgeBase knowledgeBase,
                         ConversationMemory memory, PromptBuilder prompts, MapleClient maple,
                         Publisher publisher, InteractionRepository interactions, MeterRegistry registry,
                         AnswerFilter filter, AiConsentService consent, VoiceReplyService voice) {
        this.consent = consent;
        this.filter = filter;
        this.voice = voice;
        this.config = config;
        this.throttle = throttle;
        this.redactor = redactor;
        this.knowledgeBase = knowledgeBase;
        this.memory = memory;
        this.prompts = prompts;
        this.maple = maple;
        this.publisher = publisher;
        this.interactions = interactions;
        this.registry = registry;
    }

    public Uni<Void> answer(SupportQuestion question) {
        var started = System.nanoTime();
        var userRef = question.envelope().userRef();
        // derived from the message id: a redelivered question gets the same answer id (the log stays unique)
        var answerId = UUID.nameUUIDFromBytes(question.envelope().messageId().toString()
                .getBytes(StandardCharsets.UTF_8)).toString();
        return throttle.tryAcquire(userRef).flatMap(allowed -> allowed
                ? answerAllowed(question, answerId, started)
                : throttled(question, answerId, started));
    }

    private Uni<Void> answerAllowed(SupportQuestion question, String answerId, long started) {
        var userRef = question.envelope().userRef();
        var secret = redactor.secretShared(question.text());
        if (secret.isPresent()) {
            // never sent to the provider, never stored: the user is told at once
            Log.infof("Question %s of %s carries a %s: refused, not stored", answerId, userRef, secret.get());
            registry.counter("support.secrets.refused", "kind", secret.get().name().toLowerCase(Locale.ROOT))
                    .increment();
            return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply(question, warning(secret.get()),
                    List.of(HELP)));
        }
        var redacted = redactor.redact(question.text());
        // Maple AI is a third party: only with the user's consent; until they choose, the FAQ alone answers
        return consent.choice(userRef).flatMap(choice -> choice.orElse(false)
                ? answerWithMaple(question, answerId, redacted, started)
                : answerFromNotes(question, answerId, redacted, started, choice.isEmpty()));
    }

    private Uni<Void> answerFromNotes(SupportQuestion question, String answerId, String redacted, long started,
                                      boolean notice) {
        return knowledgeBase.search(redacted, config.retrieval().topK()).flatMap(matches -> {
            var best = matches.isEmpty() || matches.get(0).score() < config.retrieval().fallbackThreshold()
                    ? null : matches.get(0);
            var answer = best != null ? new Answer(Interaction.Source.FAQ, best.entry().answer(), 0, 0)
                    : new Answer(Interaction.Source.FAQ_MISS, "I couldn't find that in our help notes. Try other "
                            + "words, send *help* to see what I can do, or reach Flash support: "
                            + config.answer().supportContact() + ".", 0, 0);
            return deliver(question, answerId, redacted, matches, best == null ? List.of() : List.of(best), answer,
                    started, notice);
        });
    }

    private Uni<Void> answerWithMaple(SupportQuestion question, String answerId, String redacted, long started) {
        var userRef = question.envelope().userRef();
        var retrieval = config.retrieval();
        return knowledgeBase.search(redacted, retrieval.topK()).flatMap(matches -> {
            var passages = matches.stream().filter(m -> m.score() >= retrieval.passageThreshold()).toList();
            return memory.load(userRef).flatMap(turns -> maple.complete(prompts.build(passages, turns, redacted))
                            .map(r -> new Answer(Interaction.Source.AI, fit(filter.filter(r.text())), r.promptTokens(),
                                    r.completionTokens()))
                            .onFailure().recoverWithItem(e -> fallback(e, matches)))
                    .flatMap(answer -> deliver(question, answerId, redacted, matches, passages, answer, started,
                            false));
        });
    }

    /** What a user who shared a card number or a recovery phrase is told instead of an answer. */
    static String warning(Redactor.Secret secret) {
        var what = secret == Redactor.Secret.RECOVERY_PHRASE ? "your recovery phrase (seed words)" : "a card number";
        return "⚠️ Please never share " + what + " with anyone — not in a chat, not with support, not with me. Flash "
                + "will never ask for it. I didn't send your message anywhere or keep it. If someone asked you for it, "
                + "it is a scam"
                + (secret == Redactor.Secret.RECOVERY_PHRASE
                        ? ": move your funds to a new wallet if you think it has been seen." : ".");
    }

    private Answer fallback(Throwable failure, List<FaqMatch> matches) {
        Log.warnf("Maple unavailable (%s); answering from the FAQ", failure.getClass().getSimpleName());
        if (!matches.isEmpty() && matches.get(0).score() >= config.retrieval().fallbackThreshold()) {
            return new Answer(Interaction.Source.KB_FALLBACK, AUTOMATIC_MARK + matches.get(0).entry().answer(), 0, 0);
        }
        return new Answer(Interaction.Source.UNAVAILABLE, "Sorry, I can't answer that right now. Please try again in a "
                + "few minutes, or reach Flash support: " + config.answer().supportContact()
                + ". Type *help* to see what I can do.", 0, 0);
    }

    private Uni<Void> deliver(SupportQuestion question, String answerId, String redacted, List<FaqMatch> matches,
                              List<FaqMatch> passages, Answer answer, long started, boolean notice) {
        var userRef = question.envelope().userRef();
        // the first answer without a choice asks for it instead of "helpful?" (one open question at a time)
        var askFeedback = !notice && answer.source() != Interaction.Source.UNAVAILABLE
                && answer.source() != Interaction.Source.FAQ_MISS;
        var body = answer.text() + (notice ? AiConsentService.NOTICE : askFeedback ? HELPFUL_PROMPT : "");
        var reply = reply(question, body, notice ? noticeButtons(passages) : quickReplies(answer.source(), passages));
        // conversation memory is context for Maple: kept only for answers Maple gave (with consent)
        var remember = answer.source() == Interaction.Source.AI || answer.source() == Interaction.Source.KB_FALLBACK
                || answer.source() == Interaction.Source.UNAVAILABLE
                ? memory.append(userRef, List.of(new Turn("user", redacted),
                        new Turn("assistant", redactor.redact(answer.text()))))
                : Uni.createFrom().voidItem();
        var latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
        var interaction = new Interaction(answerId, userRef, Instant.now(), answer.source(), latency,
                answer.promptTokens(), answer.completionTokens(),
                matches.isEmpty() ? null : matches.get(0).score(),
                passages.stream().map(m -> m.entry().id()).toList(),
                matches.stream().map(FaqMatch::score).toList(), redacted);
        Uni<Void> expect = askFeedback ? publisher.publish(Exchanges.CONVERSATION_EXPECT,
                new ConversationExpectation(question.envelope().follow(RoutingKeys.Expect.CHOICE), answerId,
                        Exchanges.SUPPORT_REQUESTS, FEEDBACK_CONTEXT + answerId, FEEDBACK_OPTIONS,
                        Instant.now().plus(config.feedback().expectationTtl())))
                : notice ? consent.expectChoice(question, answerId) : Uni.createFrom().voidItem();
        return remember
                .flatMap(ignored -> interactions.record(interaction))
                .flatMap(ignored -> publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply))
                .flatMap(ignored -> expect)
                // the text is out; a voice copy (if the user wants one) follows and can only add to it
                .flatMap(ignored -> voice.speakIfOn(question.envelope(), question.whatsapp(), answer.text()))
                .invoke(() -> {
                    registry.timer("support.answers", "source", answer.source().db())
                            .record(Duration.ofMillis(latency));
                    Log.infof("Answered %s for %s via %s in %d ms (tokens %d+%d, top score %s, faq %s)", answerId,
                            userRef, answer.source().db(), latency, answer.promptTokens(), answer.completionTokens(),
                            interaction.topScore() == null ? "-" : String.format("%.2f", interaction.topScore()),
                            interaction.faqIds());
                });
    }

    private Uni<Void> throttled(SupportQuestion question, String answerId, long started) {
        var userRef = question.envelope().userRef();
        Log.infof("Throttled a question of %s", userRef);
        var body = "You've asked a lot of questions in a short time 🙂 Please wait a few minutes and ask again. "
                + "Commands like *balance* and *help* still work.";
        var latency = Duration.ofNanos(System.nanoTime() - started).toMillis();
        var interaction = new Interaction(answerId, userRef, Instant.now(), Interaction.Source.THROTTLED, latency,
                0, 0, null, List.of(), List.of(), null);
        return interactions.record(interaction)
                .flatMap(ignored -> publisher.publish(Exchanges.WHATSAPP_OUTBOUND,
                        reply(question, body, List.of(HELP))));
    }

    /**
     * The buttons under an answer: the natural next step from the best FAQ passage (or, for an answer no FAQ entry
     * grounded, a way to reach a human), then 👍/👎 so feedback is one tap. A non-answer asks no feedback and its
     * text already names support: the passages' next steps and the command menu.
     */
    static List<QuickReply> quickReplies(Interaction.Source source, List<FaqMatch> passages) {
        var next = suggestions(passages);
        if (source == Interaction.Source.UNAVAILABLE) {
            var buttons = new ArrayList<>(next.stream().filter(q -> !HELP.payload().equals(q.payload()))
                    .limit(MAX_QUICK_REPLIES - 1).toList());
            buttons.add(HELP);
            return buttons;
        }
        return List.of(next.isEmpty() ? HUMAN : next.get(0), HELPFUL, NOT_HELPFUL);
    }

    /** The notice's two choices, after the best passage's next step when there is one. */
    static List<QuickReply> noticeButtons(List<FaqMatch> passages) {
        var buttons = new ArrayList<QuickReply>(suggestions(passages).stream().limit(1).toList());
        buttons.addAll(AiConsentService.buttons());
        return buttons;
    }

    /** Up to three distinct suggestions from the passages used, best passage first. */
    static List<QuickReply> suggestions(List<FaqMatch> passages) {
        var byPayload = new LinkedHashMap<String, QuickReply>();
        for (var match : passages) {
            for (var s : match.entry().suggestions()) {
                byPayload.putIfAbsent(s.payload().toLowerCase(Locale.ROOT), s);
            }
        }
        return new ArrayList<>(byPayload.values()).subList(0, Math.min(MAX_QUICK_REPLIES, byPayload.size()));
    }

    /** The model's text cut to the configured WhatsApp length, at a sentence end where possible. */
    String fit(String text) {
        var max = config.answer().maxChars();
        if (text.length() <= max) {
            return text;
        }
        var cut = text.substring(0, max);
        var end = Math.max(cut.lastIndexOf(". "), Math.max(cut.lastIndexOf("! "), cut.lastIndexOf("? ")));
        if (end > max / 2) {
            return cut.substring(0, end + 1);
        }
        return cut.substring(0, max - 1).stripTrailing() + "…";
    }

    private static OutboundMessage reply(SupportQuestion question, String body, List<QuickReply> quickReplies) {
        return new OutboundMessage(question.envelope().follow(RoutingKeys.Outbound.REPLY), question.whatsapp(), body,
                List.of(), List.copyOf(quickReplies), null, null, question.envelope().occurredAt());
    }
}
