package com.flashapp.whatsapp.command.handoff;

import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.command.repository.HandoffRouteRepository;
import com.flashapp.whatsapp.command.service.Handled;
import com.flashapp.whatsapp.command.service.Turn;
import com.flashapp.whatsapp.command.telemetry.Outcome;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.HandoffRoute;
import com.flashapp.whatsapp.contracts.support.HandoffMessage;
import com.flashapp.whatsapp.contracts.support.HandoffRequest;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Routes the conversation around a support ticket (ai-support-service owns the ticket): "talk to a human" becomes a
 * {@code handoff.request}; while the user's ticket is open everything they write goes as {@code handoff.user}; what a
 * configured agent writes goes as {@code handoff.agent} when it is an agent command or the agent is on a ticket. The
 * routes ai-support publishes are kept in PostgreSQL (they survive a restart); agent commands are invisible to
 * everyone else, as admin commands are.
 */
@ApplicationScoped
public class HandoffRouter {

    public static final String LABEL = "handoff";
    private static final String USER = "user:";
    private static final String AGENT = "agent:";
    private static final Pattern AGENT_COMMAND = Pattern.compile("tickets|done|take(\\s*#?\\s*\\d{1,12})?");
    /** What asks for a person (typed, or the *Talk to a human* quick reply's payload). */
    private static final Set<String> HUMAN = Set.of("talk to a human", "support talk to a human", "agent", "human",
            "talk to an agent", "talk to agent", "speak to a human", "speak to an agent", "talk to a person",
            "speak to a person", "real person", "a real person", "human please", "agent please",
            "i want to talk to a human", "i want a human", "live agent", "customer service", "talk to someone",
            "hablar con una persona", "agente");

    private final HandoffRouteRepository routes;
    private final Publisher publisher;
    private final List<String> agents;

    public HandoffRouter(HandoffRouteRepository routes, Publisher publisher, CommandConfig config) {
        this.routes = routes;
        this.publisher = publisher;
        this.agents = config.handoff().agents().orElse(List.of()).stream().map(String::strip)
                .filter(a -> !a.isEmpty()).map(a -> {
                    if (!a.matches("\\+[1-9][0-9]{6,14}")) {
                        throw new IllegalArgumentException("command.handoff.agents: '" + a + "' is not +E164");
                    }
                    return a;
                }).toList();
    }

    /** Whether the sender's number (E.164) is a configured support agent. */
    public boolean isAgentNumber(String phone) {
        return phone != null && agents.contains(phone);
    }

    /** Whether the text asks for a person. */
    public static boolean asksForHuman(String text) {
        var t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT).replaceAll("[.!?🙏]+$", "").strip();
        return HUMAN.contains(t);
    }

    /** Keeps a route ai-support published (newest version wins, per party). */
    public Uni<Void> apply(HandoffRoute route) {
        var userRef = route.envelope().userRef();
        if (userRef == null || route.state() == null) {
            Log.warnf("Ignoring handoff route %s without user or state", route.envelope().messageId());
            return Uni.createFrom().voidItem();
        }
        Uni<Void> user = routes.apply(USER + userRef, route.ticket(), route.version(), route.state());
        if (route.agent() == null || HandoffRoute.WAITING.equals(route.state())) {
            return user;
        }
        return user.flatMap(x -> routes.apply(AGENT + route.agent(), route.ticket(), route.version(), route.state()));
    }

    /**
     * The message's route, if the ticket (or an agent) takes it: the request for a person, a message of an open
     * ticket, an agent's command or words. Empty: the bot handles it as usual.
     */
    public Uni<Optional<Handled>> route(Turn turn, String text) {
        if (isAgentNumber(turn.inbound().phone())) {
            var command = text.strip().toLowerCase(Locale.ROOT);
            if (AGENT_COMMAND.matcher(command).matches()) {
                return toSupport(turn, RoutingKeys.Support.HANDOFF_AGENT, text);
            }
            return routes.find(AGENT + turn.whatsapp()).flatMap(route -> route.isPresent() && route.get().open()
                    ? toSupport(turn, RoutingKeys.Support.HANDOFF_AGENT, text)
                    : Uni.createFrom().item(Optional.empty()));
        }
        return routes.find(USER + turn.userRef()).flatMap(route -> route.isPresent() && route.get().open()
                ? toSupport(turn, RoutingKeys.Support.HANDOFF_USER, text)
                : Uni.createFrom().item(Optional.empty()));
    }

    /** "talk to a human": ai-support opens the ticket and answers the user. */
    public Uni<Handled> request(Turn turn) {
        var username = turn.user().linked() ? turn.user().username() : null;
        return publisher.publish(Exchanges.SUPPORT_REQUESTS, new HandoffRequest(
                        turn.follow(RoutingKeys.Support.HANDOFF_REQUEST), turn.whatsapp(), username,
                        HandoffRequest.ASKED))
                .replaceWith(new Handled(LABEL, Outcome.HANDOFF));
    }

    private Uni<Optional<Handled>> toSupport(Turn turn, String key, String text) {
        return publisher.publish(Exchanges.SUPPORT_REQUESTS, new HandoffMessage(turn.follow(key), turn.whatsapp(),
                        text))
                .replaceWith(Optional.of(new Handled(LABEL, Outcome.HANDOFF)));
    }
}
