package com.flashapp.whatsapp.aisupport.service;

import com.flashapp.whatsapp.aisupport.handoff.HandoffService;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.support.HandoffMessage;
import com.flashapp.whatsapp.contracts.support.HandoffRequest;
import com.flashapp.whatsapp.contracts.support.SupportFeedback;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.support.SpeechRequest;
import com.flashapp.whatsapp.contracts.support.VoiceNoteRequest;
import com.flashapp.whatsapp.contracts.support.VoicePreferenceUpdate;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.messaging.MessageHandler;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Handles each message ai-support-service consumes, once: questions, feedback, answers to "helpful?", voice notes to
 * transcribe, voice-reply settings and help texts to speak, an admin's {@code admin stats}, requests for a person and
 * the messages of open tickets.
 */
@ApplicationScoped
public class IncomingMessageHandler implements MessageHandler {

    private final AnswerService answers;
    private final FeedbackService feedback;
    private final AdminStatsService adminStats;
    private final ErasureService erasure;
    private final VoiceNoteService voice;
    private final HandoffService handoff;
    private final AiConsentService consent;
    private final VoiceReplyService voiceReplies;

    public IncomingMessageHandler(AnswerService answers, FeedbackService feedback, AdminStatsService adminStats,
                                  ErasureService erasure, VoiceNoteService voice, HandoffService handoff,
                                  AiConsentService consent, VoiceReplyService voiceReplies) {
        this.handoff = handoff;
        this.consent = consent;
        this.voiceReplies = voiceReplies;
        this.erasure = erasure;
        this.answers = answers;
        this.feedback = feedback;
        this.adminStats = adminStats;
        this.voice = voice;
    }

    @Override
    public Uni<Void> handle(ContractMessage message) {
        if (message instanceof SupportQuestion question) {
            return answers.answer(question);
        }
        if (message instanceof SupportFeedback support) {
            return feedback.onFeedback(support);
        }
        if (message instanceof ConfirmationAnswer answer) {
            return AiConsentService.ours(answer) ? consent.onAnswer(answer) : feedback.onAnswer(answer);
        }
        if (message instanceof VoiceNoteRequest note) {
            return voice.transcribe(note);
        }
        if (message instanceof VoicePreferenceUpdate update) {
            return voiceReplies.update(update);
        }
        if (message instanceof SpeechRequest speech) {
            return voiceReplies.speak(speech);
        }
        if (message instanceof AdminStatsRequest stats) {
            return adminStats.answer(stats);
        }
        if (message instanceof HandoffRequest request) {
            return handoff.request(request);
        }
        if (message instanceof HandoffMessage written) {
            return RoutingKeys.Support.HANDOFF_AGENT.equals(written.envelope().type()) ? handoff.fromAgent(written)
                    : handoff.fromUser(written);
        }
        if (message instanceof UserErasureRequested erase) {
            return erasure.erase(erase);
        }
        Log.warnf("Ignoring %s: not a support message", message.routingKey());
        return Uni.createFrom().voidItem();
    }
}
