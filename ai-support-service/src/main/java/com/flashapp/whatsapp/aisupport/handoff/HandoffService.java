package com.flashapp.whatsapp.aisupport.handoff;

import com.flashapp.whatsapp.aisupport.config.SupportConfig;
import com.flashapp.whatsapp.aisupport.memory.ConversationMemory;
import com.flashapp.whatsapp.aisupport.service.Redactor;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.expect.HandoffRoute;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.HandoffMessage;
import com.flashapp.whatsapp.contracts.support.HandoffRequest;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Hands a user over to a person: opens tickets, gives them to free agents (or queues them), relays what either side
 * writes through the bot, and closes them ({@code done}, idle, erasure). Every change publishes the ticket's
 * {@link HandoffRoute} so command-service routes the next messages; both sides are answered from here.
 */
@ApplicationScoped
public class HandoffService {

    static final String BY_USER = "user";
    static final String BY_AGENT = "agent";
    static final String BY_IDLE = "idle";
    static final String BY_ERASURE = "erasure";
    private static final Pattern TAKE = Pattern.compile("take\\s*#?\\s*(\\d{1,12})?");
    private static final int LINE_MAX_CHARS = 200;
    private static final QuickReply HELP = new QuickReply("help", "Show commands");

    private final TicketRepository tickets;
    private final Publisher publisher;
    private final Redactor redactor;
    private final ConversationMemory memory;
    private final SupportConfig config;
    private final SupportConfig.Handoff settings;
    private final HandoffHours hours;
    private final List<String> agents;

    public HandoffService(TicketRepository tickets, Publisher publisher, Redactor redactor, ConversationMemory memory,
                          SupportConfig config) {
        this.tickets = tickets;
        this.publisher = publisher;
        this.redactor = redactor;
        this.memory = memory;
        this.config = config;
        this.settings = config.handoff();
        this.hours = new HandoffHours(settings.days(), settings.opens(), settings.closes(), settings.zone());
        this.agents = settings.agents().orElse(List.of()).stream().map(String::strip).filter(a -> !a.isEmpty())
                .map(a -> {
                    if (!a.matches("\\+[1-9][0-9]{6,14}")) {
                        throw new IllegalArgumentException("app.support.handoff.agents: '" + a + "' is not +E164");
                    }
                    return "whatsapp:" + a;
                }).toList();
    }

    /** Whether a {@code whatsapp:+…} address is a configured agent (re-checked here: command routes by its copy). */
    public boolean isAgent(String whatsapp) {
        return whatsapp != null && agents.contains(whatsapp);
    }

    public HandoffHours hours() {
        return hours;
    }

    /** "talk to a human" (via command-service). */
    public Uni<Void> request(HandoffRequest request) {
        return open(request.envelope(), request.whatsapp(), request.username(),
                request.reason() == null ? HandoffRequest.ASKED : request.reason());
    }

    /** Opens a ticket for the user (or tells them about the one they have) and gives it to a free agent if any. */
    public Uni<Void> open(Envelope envelope, String whatsapp, String username, String reason) {
        var userRef = envelope.userRef();
        if (userRef == null || whatsapp == null) {
            Log.warnf("Handoff %s without user or address ignored", envelope.messageId());
            return Uni.createFrom().voidItem();
        }
        if (agents.isEmpty()) {
            return reply(envelope, whatsapp, "No one from our team can chat here yet. To reach a person, "
                    + config.answer().supportContact() + ".", List.of(HELP));
        }
        var requestId = envelope.messageId().toString();
        var now = Instant.now();
        return tickets.byRequest(requestId)
                .flatMap(again -> again.isPresent() ? Uni.createFrom().item(again)
                        : tickets.open(requestId, userRef, whatsapp, username, reason, now))
                .flatMap(opened -> {
                    if (opened.isEmpty()) {
                        return tickets.openOfUser(userRef).flatMap(existing -> existing.isEmpty()
                                ? Uni.createFrom().voidItem() // closed meanwhile: the user can ask again
                                : alreadyOpen(envelope, existing.get()));
                    }
                    var ticket = opened.get();
                    if (!"waiting".equals(ticket.state())) {
                        // a redelivery after the first attempt assigned (or closed) it: say what is so now
                        return route(ticket).flatMap(x -> alreadyOpen(envelope, ticket));
                    }
                    Log.infof("Ticket #%d opened for %s (%s)", ticket.number(), userRef, reason);
                    return route(ticket).flatMap(x -> hours.onDuty(now) ? tickets.free(agents)
                                    : Uni.createFrom().item(List.<String>of()))
                            .flatMap(free -> free.isEmpty() ? queued(envelope, ticket, now)
                                    : assign(ticket, free.get(0), now).flatMap(assigned -> assigned
                                            ? Uni.createFrom().voidItem() : queued(envelope, ticket, now)));
                });
    }

    /** What a user with an open ticket wrote. */
    public Uni<Void> fromUser(HandoffMessage message) {
        var envelope = message.envelope();
        var text = message.body() == null ? "" : message.body().strip();
        return tickets.openOfUser(envelope.userRef()).flatMap(found -> {
            if (found.isEmpty()) {
                // command still routed here: its route is stale (a lost close); give the user back to the bot
                return tickets.nextVersion().flatMap(v -> publisher.publish(Exchanges.CONVERSATION_EXPECT,
                                new HandoffRoute(envelope.follow(RoutingKeys.Expect.HANDOFF), 0, v,
                                        HandoffRoute.CLOSED, null)))
                        .flatMap(x -> reply(envelope, message.whatsapp(), "Your support conversation has ended, so "
                                + "that message went nowhere. Please send it again.", List.of(HELP)));
            }
            var ticket = found.get();
            if (isDone(text)) {
                return close(ticket, BY_USER, Instant.now());
            }
            if (text.isEmpty()) {
                return reply(envelope, message.whatsapp(), "I can only pass on text to our team. Please type your "
                        + "message.", List.of());
            }
            var secret = redactor.secretShared(text);
            if (secret.isPresent()) {
                // not passed on, not kept: no one at Flash will ever ask for it
                return reply(envelope, message.whatsapp(), "⚠️ I did not pass that on: never share "
                        + (secret.get() == Redactor.Secret.RECOVERY_PHRASE ? "your recovery phrase" : "a card number")
                        + " with anyone — Flash support will never ask for it.", List.of());
            }
            var now = Instant.now();
            var line = tickets.addLine(envelope.messageId().toString(), ticket.number(), BY_USER,
                    redactor.redact(text), now);
            if ("assigned".equals(ticket.state())) {
                return line.flatMap(x -> send(Envelope.create(RoutingKeys.Outbound.REPLY,
                        envelope.correlationId(), null), ticket.agent(), "💬 #" + ticket.number() + " "
                        + who(ticket) + ": " + text, null));
            }
            return line.flatMap(x -> tickets.position(ticket))
                    .flatMap(place -> reply(envelope, message.whatsapp(), "Noted for our team ✍️ "
                            + queueLine(place, now), List.of()));
        });
    }

    /** What a configured agent wrote: {@code tickets}, {@code take <n>}, {@code done}, or words for their user. */
    public Uni<Void> fromAgent(HandoffMessage message) {
        var envelope = message.envelope();
        var agent = message.whatsapp();
        if (!isAgent(agent)) {
            Log.warnf("handoff.agent from %s, not a configured agent: ignored", envelope.userRef());
            return Uni.createFrom().voidItem();
        }
        var text = message.body() == null ? "" : message.body().strip();
        var command = text.toLowerCase(Locale.ROOT);
        if ("tickets".equals(command)) {
            return list(envelope, agent);
        }
        var take = TAKE.matcher(command);
        if (take.matches()) {
            return take(envelope, agent, take.group(1) == null ? null : Long.parseLong(take.group(1)));
        }
        return tickets.assignedTo(agent).flatMap(found -> {
            if (found.isEmpty()) {
                return reply(envelope, agent, isDone(command) ? "You have no open ticket." : "You have no open "
                        + "ticket, so that went to no one. *tickets* lists the queue, *take <n>* takes one.",
                        List.of(new QuickReply("tickets", "Tickets")));
            }
            var ticket = found.get();
            if (isDone(command)) {
                return close(ticket, BY_AGENT, Instant.now());
            }
            if (text.isEmpty()) {
                return reply(envelope, agent, "Only text is passed on to the user.", List.of());
            }
            var now = Instant.now();
            return tickets.addLine(envelope.messageId().toString(), ticket.number(), BY_AGENT,
                            redactor.redact(text), now)
                    .flatMap(x -> send(Envelope.create(RoutingKeys.Outbound.REPLY, envelope.correlationId(),
                            ticket.userRef()), ticket.whatsapp(), "👤 *Flash support:* " + text, null));
        });
    }

    /** Closes a ticket and tells both sides; a freed agent gets the next waiting ticket while on duty. */
    public Uni<Void> close(Ticket open, String by, Instant now) {
        return tickets.close(open.number(), by, now).flatMap(closed -> {
            if (closed.isEmpty()) {
                return Uni.createFrom().voidItem(); // closed already (the other side, the idle job, a redelivery)
            }
            var ticket = closed.get();
            Log.infof("Ticket #%d closed by %s", ticket.number(), by);
            var toUser = switch (by) {
                case BY_IDLE -> "This support conversation was closed after a while without messages (ticket #"
                        + ticket.number() + "). Send *talk to a human* if you still need a person.";
                case BY_AGENT -> "Our team closed this support conversation (ticket #" + ticket.number()
                        + "). Thanks for your patience! I'm the bot again — send *help* to see what I can do.";
                default -> "OK, support conversation closed (ticket #" + ticket.number() + "). I'm the bot again "
                        + "— send *help* to see what I can do.";
            };
            var correlation = "ticket-" + ticket.number();
            Uni<Void> done = route(ticket)
                    .flatMap(x -> send(Envelope.create(RoutingKeys.Outbound.REPLY, correlation, ticket.userRef()),
                            ticket.whatsapp(), toUser, null));
            if (ticket.agent() == null) {
                return done;
            }
            var toAgent = "✅ Ticket #" + ticket.number() + " closed" + switch (by) {
                case BY_USER -> " by the user.";
                case BY_IDLE -> " (idle).";
                default -> ".";
            };
            return done.flatMap(x -> send(Envelope.create(RoutingKeys.Outbound.REPLY, correlation, null),
                            ticket.agent(), toAgent, null))
                    .flatMap(x -> hours.onDuty(now) ? next(ticket.agent(), now) : Uni.createFrom().voidItem());
        });
    }

    /** Closes tickets left idle (the scheduled job). */
    public Uni<Integer> closeIdle(Instant now) {
        return tickets.idle(now.minus(settings.idleClose()), now.minus(settings.waitingClose()))
                .flatMap(idle -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (var ticket : idle) {
                        chain = chain.flatMap(x -> close(ticket, BY_IDLE, now));
                    }
                    return chain.replaceWith(idle.size());
                });
    }

    /** "delete my data": the user's tickets and transcripts go; an agent still on one is told and freed. */
    public Uni<Void> erase(Envelope envelope) {
        return tickets.erase(envelope.userRef()).flatMap(erased -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (var ticket : erased) {
                if (ticket.open()) {
                    var correlation = "ticket-" + ticket.number();
                    chain = chain.flatMap(x -> tickets.nextVersion())
                            .flatMap(v -> publisher.publish(Exchanges.CONVERSATION_EXPECT, new HandoffRoute(
                                    Envelope.create(RoutingKeys.Expect.HANDOFF, correlation, ticket.userRef()),
                                    ticket.number(), v, HandoffRoute.CLOSED, ticket.agent())));
                    if (ticket.agent() != null) {
                        chain = chain.flatMap(x -> send(Envelope.create(RoutingKeys.Outbound.REPLY, correlation,
                                null), ticket.agent(), "✅ Ticket #" + ticket.number() + " closed: the user erased "
                                + "their data.", null));
                    }
                }
            }
            return chain;
        });
    }

    private Uni<Void> list(Envelope envelope, String agent) {
        return tickets.assignedTo(agent).flatMap(mine -> tickets.waiting().flatMap(waiting -> {
            var body = new StringBuilder();
            mine.ifPresent(t -> body.append("You are on #").append(t.number()).append(" (").append(who(t))
                    .append("). Send *done* to close it.\n"));
            if (waiting.isEmpty()) {
                body.append("No tickets waiting.");
            } else {
                body.append("*Waiting (").append(waiting.size()).append(")*");
                var now = Instant.now();
                for (var t : waiting) {
                    body.append("\n#").append(t.number()).append(" · ").append(who(t)).append(" · ")
                            .append(reasonText(t.reason())).append(" · ")
                            .append(ago(Duration.between(t.createdAt(), now)));
                }
                body.append("\nSend *take <n>* to take one.");
            }
            return reply(envelope, agent, body.toString(), List.of());
        }));
    }

    private Uni<Void> take(Envelope envelope, String agent, Long number) {
        var now = Instant.now();
        return tickets.assignedTo(agent).flatMap(mine -> {
            if (mine.isPresent()) {
                return reply(envelope, agent, "You are still on #" + mine.get().number() + ". Send *done* to close "
                        + "it first.", List.of());
            }
            Uni<Optional<Ticket>> target = number != null ? tickets.byNumber(number)
                    : tickets.waiting().map(w -> w.stream().findFirst());
            return target.flatMap(found -> {
                if (found.isEmpty()) {
                    return reply(envelope, agent, number == null ? "No tickets waiting."
                            : "There is no ticket #" + number + ". Send *tickets* to see the queue.", List.of());
                }
                var ticket = found.get();
                if (!"waiting".equals(ticket.state())) {
                    return reply(envelope, agent, "Ticket #" + ticket.number() + " is "
                            + ("assigned".equals(ticket.state()) ? "already taken." : "closed.")
                            + " Send *tickets* to see the queue.", List.of());
                }
                return assign(ticket, agent, now).flatMap(assigned -> assigned ? Uni.createFrom().voidItem()
                        : reply(envelope, agent, "Ticket #" + ticket.number() + " was just taken. Send *tickets* "
                                + "to see the queue.", List.of()));
            });
        });
    }

    /** Gives the oldest waiting ticket to a freed agent, if any. */
    private Uni<Void> next(String agent, Instant now) {
        return tickets.waiting().flatMap(waiting -> waiting.isEmpty() ? Uni.createFrom().voidItem()
                : assign(waiting.get(0), agent, now).replaceWithVoid());
    }

    /** Assigns and tells both sides; false when the ticket or the agent was taken meanwhile. */
    private Uni<Boolean> assign(Ticket waiting, String agent, Instant now) {
        return tickets.assign(waiting.number(), agent, now).flatMap(assigned -> {
            if (assigned.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            var ticket = assigned.get();
            Log.infof("Ticket #%d assigned", ticket.number());
            var correlation = "ticket-" + ticket.number();
            return route(ticket)
                    .flatMap(x -> send(Envelope.create(RoutingKeys.Outbound.REPLY, correlation, ticket.userRef()),
                            ticket.whatsapp(), "👋 A person from Flash support has joined (ticket #"
                                    + ticket.number() + "). Write here and they will read it; send *done* when "
                                    + "you're finished.", null))
                    .flatMap(x -> summary(ticket))
                    .flatMap(summary -> send(Envelope.create(RoutingKeys.Outbound.REPLY, correlation, null),
                            agent, summary, null))
                    .replaceWith(true);
        });
    }

    /** What the agent sees first: who, why, the last AI turns and anything written while waiting, all redacted. */
    Uni<String> summary(Ticket ticket) {
        return memory.load(ticket.userRef()).onFailure().recoverWithItem(List.of())
                .flatMap(turns -> tickets.transcript(ticket.number()).map(lines -> {
                    var body = new StringBuilder("🎫 *Ticket #").append(ticket.number()).append("* is yours\n")
                            .append("Who: ").append(who(ticket)).append('\n')
                            .append("Why: ").append(reasonText(ticket.reason()));
                    var recent = turns.size() > settings.summaryTurns()
                            ? turns.subList(turns.size() - settings.summaryTurns(), turns.size()) : turns;
                    if (!recent.isEmpty()) {
                        body.append("\n\n*Their last messages and the AI's answers* (redacted)");
                        for (var turn : recent) {
                            body.append('\n').append("user".equals(turn.role()) ? "👤 " : "🤖 ")
                                    .append(cut(redactor.redact(turn.content())));
                        }
                    }
                    if (!lines.isEmpty()) {
                        body.append("\n\n*While waiting*");
                        for (var line : lines) {
                            body.append("\n👤 ").append(cut(line.body()));
                        }
                    }
                    return body.append("\n\nWrite here to answer them; send *done* when finished.").toString();
                }));
    }

    private Uni<Void> queued(Envelope envelope, Ticket ticket, Instant now) {
        return tickets.position(ticket).flatMap(place -> {
            var body = new StringBuilder("I've asked a person from Flash support to help you (ticket #")
                    .append(ticket.number()).append("). ");
            if (!hours.onDuty(now)) {
                body.append("Our team is on duty ").append(hours.text()).append(", so they will answer then. ");
            }
            body.append(queueLine(place, now)).append(" Anything you write now is kept for them; send *done* to "
                    + "cancel.");
            return reply(envelope, ticket.whatsapp(), body.toString(), List.of());
        });
    }

    private Uni<Void> alreadyOpen(Envelope envelope, Ticket ticket) {
        if ("assigned".equals(ticket.state())) {
            return reply(envelope, ticket.whatsapp(), "A person from Flash support is already with you (ticket #"
                    + ticket.number() + "). Write here; send *done* when you're finished.", List.of());
        }
        var now = Instant.now();
        return tickets.position(ticket).flatMap(place -> reply(envelope, ticket.whatsapp(), "You already have "
                + "ticket #" + ticket.number() + " open. " + queueLine(place, now), List.of()));
    }

    private String queueLine(long place, Instant now) {
        var line = place <= 1 ? "You're next in the queue." : "You're number " + place + " in the queue.";
        return hours.onDuty(now) ? line : line + " (Our team is on duty " + hours.text() + ".)";
    }

    private Uni<Void> route(Ticket ticket) {
        return publisher.publish(Exchanges.CONVERSATION_EXPECT, new HandoffRoute(
                Envelope.create(RoutingKeys.Expect.HANDOFF, "ticket-" + ticket.number(), ticket.userRef()),
                ticket.number(), ticket.version(), ticket.state(), ticket.agent()));
    }

    private Uni<Void> reply(Envelope to, String whatsapp, String body, List<QuickReply> buttons) {
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(
                to.follow(RoutingKeys.Outbound.REPLY), whatsapp, body, List.of(), buttons, null, null,
                to.occurredAt()));
    }

    private Uni<Void> send(Envelope envelope, String whatsapp, String body, Instant lastInboundAt) {
        return publisher.publish(Exchanges.WHATSAPP_OUTBOUND, new OutboundMessage(envelope, whatsapp, body,
                List.of(), List.of(), null, null, lastInboundAt));
    }

    static boolean isDone(String text) {
        var t = text.strip().toLowerCase(Locale.ROOT).replaceAll("[.!]+$", "");
        return t.equals("done") || t.equals("cancel") || t.equals("end") || t.equals("finish") || t.equals("close");
    }

    /** The masked number and the linked username: {@code +1876•••0101 (@keisha)}. */
    static String who(Ticket ticket) {
        var number = ticket.whatsapp().startsWith("whatsapp:") ? ticket.whatsapp().substring(9) : ticket.whatsapp();
        var masked = number.length() > 8 ? number.substring(0, 5) + "•••" + number.substring(number.length() - 4)
                : "•••";
        if (ticket.username() != null && !ticket.username().isBlank()) {
            return masked + " (@" + ticket.username() + ")";
        }
        // command-service names a linked user's username when they ask; a ticket opened here does not know it
        return HandoffRequest.ASKED.equals(ticket.reason()) ? masked + " (not linked)" : masked;
    }

    private static String reasonText(String reason) {
        return HandoffRequest.UNHELPFUL.equals(reason) ? "two AI answers marked not helpful" : "asked for a person";
    }

    private static String cut(String text) {
        var t = text.replace('\n', ' ');
        return t.length() > LINE_MAX_CHARS ? t.substring(0, LINE_MAX_CHARS - 1) + "…" : t;
    }

    private static String ago(Duration d) {
        return d.toMinutes() < 60 ? Math.max(0, d.toMinutes()) + " min" : d.toHours() + " h";
    }
}
