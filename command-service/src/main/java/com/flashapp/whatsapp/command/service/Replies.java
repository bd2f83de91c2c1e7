package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.command.repository.ExpectationRepository;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Answers the user directly (help, menus, "Did you mean…", errors) with an {@code OutboundMessage} reply. Quick
 * replies are offered as buttons where WhatsApp shows them; a local "menu" expectation makes their numbers work
 * too ("2" picks the second), for channels that show them as numbered text.
 */
@ApplicationScoped
public class Replies {

    /** The owner of command-service's own expectations (not an exchange: they never leave this service). */
    public static final String LOCAL_OWNER = "command";
    public static final String MENU = "menu";

    /** WhatsApp shows at most three quick-reply buttons on a session message. */
    public static final int MAX_QUICK_REPLIES = 3;

    private final Publisher publisher;
    private final ExpectationRepository expectations;
    private final Duration localTtl;

    public Replies(Publisher publisher, ExpectationRepository expectations, CommandConfig config) {
        this.publisher = publisher;
        this.expectations = expectations;
        this.localTtl = config.expectations().localTtl();
    }

    public Uni<Void> send(Turn turn, String body) {
        return publish(turn, body, List.of());
    }

    /** A reply with quick replies; their numbers are remembered as a menu for the next message. */
    public Uni<Void> send(Turn turn, String body, List<QuickReply> quickReplies) {
        var buttons = quickReplies.size() > MAX_QUICK_REPLIES ? quickReplies.subList(0, MAX_QUICK_REPLIES)
                : quickReplies;
        var sent = publish(turn, body, buttons);
        if (buttons.isEmpty()) {
            return sent;
        }
        var options = buttons.stream().map(QuickReply::payload).toList();
        return sent.flatMap(ignored -> expect(turn, RoutingKeys.Expect.CHOICE, MENU, options));
    }

    /** A reply with exactly these buttons and no menu (the caller keeps its own expectation). */
    public Uni<Void> publish(Turn turn, String body, List<QuickReply> buttons) {
        var inbound = turn.inbound();
        var reply = new OutboundMessage(inbound.envelope().follow(RoutingKeys.Outbound.REPLY), inbound.from(), body,
                List.of(), List.copyOf(buttons), null, null, inbound.receivedAt());
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, reply);
    }

    /** Keeps one of command-service's own expectations ("Did you mean…", the admin code, a menu). */
    public Uni<Void> expect(Turn turn, String kind, String context, List<String> options) {
        var expectation = new ConversationExpectation(turn.follow(kind), UUID.randomUUID().toString(),
                LOCAL_OWNER, context, List.copyOf(options), Instant.now().plus(localTtl));
        return expectations.save(turn.found(), expectation, localTtl);
    }
}
