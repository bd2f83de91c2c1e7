package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Talking to the user through the broker: replies on {@code whatsapp.outbound} and expectations on
 * {@code conversation.expect} (so command-service routes the next reply back to {@code wallet.requests}).
 */
@ApplicationScoped
public class Conversation {

    private final Publisher publisher;

    public Conversation(Publisher publisher) {
        this.publisher = publisher;
    }

    /** A reply in the request's flow (same correlation id and userRef). */
    public Uni<Void> reply(Envelope request, String whatsapp, String body, QuickReply... quickReplies) {
        return reply(request, whatsapp, body, List.of(), quickReplies);
    }

    /** A reply with images ({@code mediaUrls}: signed gateway URLs, published to the gateway before this). */
    public Uni<Void> reply(Envelope request, String whatsapp, String body, List<String> mediaUrls,
                           QuickReply... quickReplies) {
        var message = new OutboundMessage(request.follow(RoutingKeys.Outbound.REPLY), whatsapp, body,
                List.copyOf(mediaUrls), List.of(quickReplies), null, null, request.occurredAt());
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, message);
    }

    /**
     * A message the user did not just ask for (an invite paid or expired, days later): {@code notification}, with no
     * claim about when they last wrote, so notification-service decides on the 24-hour window from what it knows.
     */
    public Uni<Void> notify(Envelope about, String whatsapp, String body, QuickReply... quickReplies) {
        return notify(about, whatsapp, body, null, null, quickReplies);
    }

    /**
     * {@link #notify(Envelope, String, String, QuickReply...)} with the approved template notification-service sends
     * instead when the user's 24-hour window is closed ({@code templateKey}, its numbered {@code variables}).
     */
    public Uni<Void> notify(Envelope about, String whatsapp, String body, String templateKey,
                            Map<String, String> variables, QuickReply... quickReplies) {
        var message = new OutboundMessage(about.follow(RoutingKeys.Outbound.NOTIFICATION), whatsapp, body, List.of(),
                List.of(quickReplies), templateKey, variables, null);
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, message);
    }

    /**
     * Tells command-service what the user's next message answers: {@code kind} is {@code code},
     * {@code confirmation} or {@code choice}; the answer comes back as a ConfirmationAnswer with {@code context}.
     */
    public Uni<Void> expect(Envelope request, String kind, String expectationId, String context, List<String> options,
                            Instant expiresAt) {
        var expectation = new ConversationExpectation(request.follow(kind), expectationId, Exchanges.WALLET_REQUESTS,
                context, options, expiresAt);
        return publisher.publish(Exchanges.CONVERSATION_EXPECT, expectation);
    }

    /**
     * The id in an answer's context {@code <prefix><uuid>} (the expectation this service published), or null (logged)
     * when the context is malformed.
     */
    public static UUID contextId(ConfirmationAnswer answer, String prefix) {
        try {
            return UUID.fromString(answer.context().substring(prefix.length()));
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            Log.infof("Ignoring an answer with a malformed context %s… for %s", prefix,
                    answer.envelope().userRef());
            return null;
        }
    }

    public static QuickReply quick(String command, String title) {
        return new QuickReply(command, title);
    }
}
