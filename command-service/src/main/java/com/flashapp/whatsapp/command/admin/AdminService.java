package com.flashapp.whatsapp.command.admin;

import com.flashapp.whatsapp.command.ConversationUser;
import com.flashapp.whatsapp.command.client.ServiceStatusClient;
import com.flashapp.whatsapp.command.config.CommandConfig;
import com.flashapp.whatsapp.messaging.Publisher;
import com.flashapp.whatsapp.command.parser.Args;
import com.flashapp.whatsapp.command.parser.CommandParser;
import com.flashapp.whatsapp.command.parser.ParseResult;
import com.flashapp.whatsapp.command.registry.CommandRegistry;
import com.flashapp.whatsapp.command.repository.AdminCodeRepository;
import com.flashapp.whatsapp.command.repository.AdminSessionRepository;
import com.flashapp.whatsapp.command.repository.CommandEventRepository;
import com.flashapp.whatsapp.command.repository.IntentPhraseRepository;
import com.flashapp.whatsapp.command.service.Handled;
import com.flashapp.whatsapp.command.service.Replies;
import com.flashapp.whatsapp.command.service.Turn;
import com.flashapp.whatsapp.command.service.UserService;
import com.flashapp.whatsapp.command.telemetry.Outcome;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.admin.AdminUserRequest;
import com.flashapp.whatsapp.command.repository.AdminGuardRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Admin commands, for configured numbers only and only inside a verified session: the admin proves the session
 * with a TOTP code from an authenticator app (a second factor beyond owning the WhatsApp number), kept for
 * {@code command.admin.session-ttl}. {@code admin stats} and {@code admin user} answer command-service's own part
 * and then ask notification-service (delivery, preferences) and ai-support-service (AI answers) to answer the admin
 * with theirs: no service reads another's store, and nothing waits for a reply over the broker.
 */
@ApplicationScoped
public class AdminService {

    private static final Pattern WRITTEN_PHONE = Pattern.compile("(?i)(whatsapp:)?\\+?[0-9(][0-9 ()\\-.]{6,}");

    /** Context prefix of the local "send your admin code" expectation; the rest is the admin command to run. */
    public static final String CONTEXT = "admin:";

    static final String STATS_FOLLOW = "Notification delivery and AI answer figures follow in separate messages.";
    static final String USER_FOLLOW = "Notification preferences follow in a separate message.";
    static final String CODE_REFUSED = "That code didn't work. Send the admin command again to retry.";
    static final String LOCKED = "Too many wrong admin codes: admin is locked for now. Try again later.";
    private static final int TOP_PHRASINGS = 5;

    private final CommandConfig.Admin config;
    private final Map<String, String> services;
    private final Map<String, String> secrets;
    private final AdminSessionRepository sessions;
    private final AdminCodeRepository usedCodes;
    private final AdminGuardRepository guard;
    private final Counter failures;
    private final Counter lockouts;
    private final Duration usedCodeTtl;
    private final Replies replies;
    private final UserService users;
    private final CommandEventRepository events;
    private final ServiceStatusClient status;
    private final CommandParser parser;
    private final CommandRegistry registry;
    private final Publisher publisher;
    private final IntentPhraseRepository phrases;

    public AdminService(CommandConfig config, AdminSessionRepository sessions, AdminCodeRepository usedCodes,
                        AdminGuardRepository guard, Replies replies, UserService users,
                        CommandEventRepository events, ServiceStatusClient status, CommandParser parser,
                        CommandRegistry registry, Publisher publisher, IntentPhraseRepository phrases,
                        MeterRegistry meters) {
        this.phrases = phrases;
        this.config = config.admin();
        this.services = config.status().services();
        this.secrets = accounts(config.admin().accounts().orElse(List.of()));
        this.sessions = sessions;
        this.usedCodes = usedCodes;
        this.guard = guard;
        this.failures = Counter.builder("command.admin.failures")
                .description("Admin verifications refused (wrong, replayed, or while locked out)").register(meters);
        this.lockouts = Counter.builder("command.admin.lockouts")
                .description("Admins locked out after repeated wrong codes (alert on any)").register(meters);
        // a code of step s is accepted from step s - window to s + window: remember s at least that long
        this.usedCodeTtl = Totp.STEP.multipliedBy(2L * config.admin().totpWindow() + 1)
                .plus(config.admin().usedCodeMargin());
        this.replies = replies;
        this.users = users;
        this.events = events;
        this.status = status;
        this.parser = parser;
        this.registry = registry;
        this.publisher = publisher;
    }

    public boolean isAdminNumber(String phone) {
        return phone != null && secrets.containsKey(phone);
    }

    /** {@code +E164:BASE32} entries → number → secret; a malformed entry stops start-up (it names the entry's number). */
    static Map<String, String> accounts(List<String> entries) {
        var map = new java.util.HashMap<String, String>();
        for (var entry : entries) {
            var colon = entry.indexOf(':');
            var number = colon < 0 ? entry.strip() : entry.substring(0, colon).strip();
            var secret = colon < 0 ? "" : entry.substring(colon + 1).strip().toUpperCase(java.util.Locale.ROOT);
            if (!number.matches("\\+[1-9][0-9]{6,14}") || !secret.matches("[A-Z2-7]{16,}=*")) {
                throw new IllegalArgumentException("command.admin.accounts: '" + (number.isEmpty() ? "?" : number)
                        + ":…' must be +E164:BASE32SECRET (a secret of at least 16 base32 characters)");
            }
            if (map.put(number, secret) != null) {
                throw new IllegalArgumentException("command.admin.accounts: " + number + " is listed twice");
            }
        }
        return Map.copyOf(map);
    }

    /** Where a secret's used time steps are remembered: a hash of it (never the secret itself in a key). */
    static String secretId(String secret) {
        try {
            var digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** A keyed hash of an E.164 number, so an admin can find a user by number without the number being stored. */
    public String phoneLookup(String e164) {
        if (e164 == null || e164.isBlank()) {
            return null;
        }
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(config.lookupKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(e164.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** An admin command from an admin number: run it in a verified session, or ask for the code first. */
    public Uni<Handled> handle(Turn turn, Args args) {
        return sessions.isOpen(turn.userRef()).flatMap(open -> {
            if (open) {
                return run(turn, args);
            }
            return replies.send(turn, "Send the 6-digit code from your admin authenticator app.")
                    .flatMap(ignored -> replies.expect(turn, RoutingKeys.Expect.CODE,
                            CONTEXT + commandText(args), List.of()))
                    .replaceWith(new Handled(CommandRegistry.ADMIN, Outcome.NEEDS_VERIFICATION));
        });
    }

    /**
     * The admin typed a code: if the admin is not locked out, the code is right for this admin's own secret and its
     * time step is later than the last one used with that secret, open the session and run the command they asked
     * for. A replayed code gets the same answer as a wrong one; {@code max-failures} of them within
     * {@code failure-window} lock the admin out for {@code lockout} (an alert: log line and metric).
     */
    public Uni<Handled> verifyAndRun(Turn turn, String code, String commandText) {
        var secret = turn.adminNumber() ? secrets.get(turn.inbound().phone()) : null;
        if (secret == null) {
            return refuse(turn);
        }
        return guard.locked(turn.userRef()).flatMap(locked -> {
            if (locked) {
                failures.increment();
                Log.warnf("Admin verification refused for %s: locked out", turn.userRef());
                return replies.send(turn, LOCKED)
                        .replaceWith(new Handled(CommandRegistry.ADMIN, Outcome.DENIED));
            }
            var step = Totp.matchingStep(secret, code, Instant.now(), config.totpWindow());
            if (step.isEmpty()) {
                return failed(turn, "wrong code");
            }
            return usedCodes.claim(secretId(secret), step.getAsLong(), usedCodeTtl).flatMap(fresh -> fresh
                    ? guard.succeeded(turn.userRef()).flatMap(x -> open(turn, commandText))
                    // seen on the admin's screen or in a message and sent again: refused like a wrong code
                    : failed(turn, "a code of an already used time step"));
        });
    }

    /** A failed attempt: counted towards the lockout, one friendly answer, recorded as denied. */
    private Uni<Handled> failed(Turn turn, String why) {
        failures.increment();
        Log.warnf("Admin verification failed for %s: %s", turn.userRef(), why);
        return guard.failed(turn.userRef(), config.failureWindow(), config.maxFailures(), config.lockout())
                .flatMap(lockedOut -> {
                    if (!lockedOut) {
                        return refuse(turn);
                    }
                    lockouts.increment();
                    Log.errorf("ALERT admin %s locked out for %s after %d failed admin codes", turn.userRef(),
                            config.lockout(), config.maxFailures());
                    return replies.send(turn, LOCKED)
                            .replaceWith(new Handled(CommandRegistry.ADMIN, Outcome.DENIED));
                });
    }

    private Uni<Handled> open(Turn turn, String commandText) {
        Log.infof("Admin session opened for %s", turn.userRef());
        return sessions.open(turn.userRef(), config.sessionTtl()).flatMap(ignored -> {
            if (parser.parse(commandText) instanceof ParseResult.Matched matched && matched.spec().adminOnly()) {
                return run(turn, matched.args());
            }
            return replies.send(turn, "Admin session open.")
                    .replaceWith(Handled.ok(CommandRegistry.ADMIN));
        });
    }

    /** A failed attempt (wrong or reused code): one friendly answer, recorded as denied. */
    private Uni<Handled> refuse(Turn turn) {
        return replies.send(turn, CODE_REFUSED)
                .replaceWith(new Handled(CommandRegistry.ADMIN, Outcome.DENIED));
    }

    private Uni<Handled> run(Turn turn, Args args) {
        var handled = Handled.ok("admin." + args.option());
        var next = nextSteps(args.option());
        return switch (args.option()) {
            case "stats" -> statsReport(args.value())
                    .flatMap(text -> replies.send(turn, text + "\n\n" + STATS_FOLLOW, next))
                    .flatMap(ignored -> askForStats(turn, args.value()))
                    .replaceWith(handled);
            case "user" -> userReport(turn, args.value(), next).replaceWith(handled);
            default -> {
                Uni<String> answer = switch (args.option()) {
                    case "status" -> statusReport();
                    case "block" -> block(args.value(), true);
                    case "unblock" -> block(args.value(), false);
                    default -> Uni.createFrom().item(registry.byName(CommandRegistry.ADMIN).orElseThrow().help());
                };
                yield answer.flatMap(text -> replies.send(turn, text, next)).replaceWith(handled);
            }
        };
    }

    /** The registry's next steps for admin, without the command just run. */
    private List<QuickReply> nextSteps(String option) {
        return registry.byName(CommandRegistry.ADMIN).orElseThrow().nextSteps().stream()
                .filter(q -> !q.payload().equals("admin " + option)).toList();
    }

    /**
     * notification-service (delivery rate) and ai-support-service (AI answers, fallback rate) each answer the admin
     * with their own part; published after our reply so ours usually arrives first.
     */
    private Uni<Void> askForStats(Turn turn, String period) {
        var toNotification = new AdminStatsRequest(turn.follow(RoutingKeys.Notification.ADMIN_STATS),
                turn.whatsapp(), period);
        var toSupport = new AdminStatsRequest(turn.follow(RoutingKeys.Support.ADMIN_STATS), turn.whatsapp(), period);
        return publisher.publish(Exchanges.NOTIFICATION_REQUESTS, toNotification)
                .flatMap(ignored -> publisher.publish(Exchanges.SUPPORT_REQUESTS, toSupport));
    }

    private Uni<String> statusReport() {
        var names = new ArrayList<>(services.keySet());
        names.sort(null);
        var checks = names.stream().map(name -> status.ready(services.get(name))).toList();
        Uni<List<Boolean>> ready = checks.isEmpty() ? Uni.createFrom().item(List.of())
                : Uni.join().all(checks).andFailFast();
        return Uni.combine().all().unis(ready, status.queues()).asTuple().map(results -> {
            var text = new StringBuilder("*Services*");
            for (int i = 0; i < names.size(); i++) {
                text.append("\n").append(results.getItem1().get(i) ? "✅ " : "❌ ").append(names.get(i))
                        .append(results.getItem1().get(i) ? " up" : " DOWN");
            }
            var queues = results.getItem2();
            text.append("\n*Queues*");
            if (queues == null) {
                text.append("\nRabbitMQ management API unreachable");
            } else {
                var busy = queues.stream().filter(q -> q.messages() > 0)
                        .sorted((a, b) -> Long.compare(b.messages(), a.messages())).limit(12).toList();
                var total = queues.stream().mapToLong(ServiceStatusClient.QueueDepth::messages).sum();
                var dead = queues.stream().filter(q -> q.name().endsWith(".dlq"))
                        .mapToLong(ServiceStatusClient.QueueDepth::messages).sum();
                text.append("\n").append(queues.size()).append(" queues, ").append(total).append(" messages, ")
                        .append(dead).append(" dead-lettered");
                busy.forEach(q -> text.append("\n• ").append(q.name()).append(": ").append(q.messages()));
            }
            return text.toString();
        });
    }

    private Uni<String> statsReport(String period) {
        var days = "week".equals(period) ? 7 : 1;
        var since = Instant.now().minus(days, ChronoUnit.DAYS);
        var misses = phrases.top(since, TOP_PHRASINGS).onFailure().recoverWithItem(List.of());
        return Uni.combine().all().unis(events.usageSince(since), misses).asTuple().map(both -> {
            var usage = both.getItem1();
            var text = new StringBuilder("*Usage, last ").append("week".equals(period) ? "7 days" : "24 hours")
                    .append("*\nMessages: ").append(usage.messages())
                    .append("\nActive users: ").append(usage.activeUsers());
            // here "AI fallback" is a message no command matched, handed to AI support; how AI support then
            // answered (Maple or its own fallbacks) is ai-support-service's part of the report
            text.append("\nAI fallback rate (no command matched): ")
                    .append(percent(usage.byOutcome().get(Outcome.ROUTED_TO_AI.label()), usage.messages()));
            text.append("\nParse errors: ").append(percent(usage.byOutcome().get(Outcome.PARSE_ERROR.label()),
                    usage.messages()));
            text.append("\nNeeds link: ").append(percent(usage.byOutcome().get(Outcome.NEEDS_LINK.label()),
                    usage.messages()));
            text.append("\n*Top commands*");
            usage.byCommand().forEach((command, count) -> text.append("\n• ").append(command).append(": ")
                    .append(count));
            // learning from use: what people wrote that was not understood (redacted), to grow the dataset
            text.append("\n*Not understood* (redacted; fell through to AI, declined or corrected)");
            if (both.getItem2().isEmpty()) {
                text.append("\nnone");
            }
            both.getItem2().forEach(p -> text.append("\n• \"").append(p.phrase()).append("\" ")
                    .append(p.reason().replace('_', ' ')).append(": ").append(p.count()));
            return text.toString();
        });
    }

    /**
     * Our part (link state, activity, block), then notification-service is asked for the user's preferences under
     * the userRef we store for them (the gateway's keyed hash, as it arrived on their messages). A user we have
     * never seen has no userRef here, so nothing is asked.
     */
    private Uni<Void> userReport(Turn turn, String target, List<QuickReply> next) {
        return find(target).flatMap(user -> {
            if (user == null) {
                return replies.send(turn, "No user found for " + maskTarget(target) + ".", next);
            }
            var text = "*User " + user.userRef.substring(0, Math.min(10, user.userRef.length())) + "…*"
                    + "\nLinked: " + (user.linked ? "yes" + (user.username == null ? "" : " as @" + mask(user.username))
                    : "no")
                    + "\nFirst seen: " + day(user.firstSeenAt)
                    + "\nLast active: " + day(user.lastSeenAt)
                    + "\nMessages: " + user.messageCount
                    + "\nBlocked: " + (user.blocked ? "yes" : "no")
                    + "\n\n" + USER_FOLLOW;
            var request = new AdminUserRequest(turn.follow(RoutingKeys.Notification.ADMIN_USER), turn.whatsapp(),
                    user.userRef, maskTarget(target));
            return replies.send(turn, text, next)
                    .flatMap(ignored -> publisher.publish(Exchanges.NOTIFICATION_REQUESTS, request));
        });
    }

    private Uni<String> block(String target, boolean blocked) {
        var lookup = lookupOf(target);
        return users.setBlocked(lookup, lookup == null ? username(target) : null, blocked)
                .map(found -> !found ? "No user found for " + maskTarget(target) + "."
                        : maskTarget(target) + (blocked ? " is blocked: their messages get no answer."
                        : " is unblocked."));
    }

    private Uni<ConversationUser> find(String target) {
        var lookup = lookupOf(target);
        return users.find(lookup, lookup == null ? username(target) : null);
    }

    /**
     * True when the admin wrote a phone number ("+1 876 555 1234", "876-555-1234"), not a username: only phone
     * characters. A username can hold ten digits too ("@tester_482619817644"), and was then looked up and masked
     * as a number.
     */
    static boolean writtenAsPhone(String target) {
        return target != null && WRITTEN_PHONE.matcher(target.trim()).matches();
    }

    private String lookupOf(String target) {
        if (!writtenAsPhone(target)) {
            return null;
        }
        var e164 = registry.recipients().e164(target.replace(" ", ""));
        return e164 == null ? null : phoneLookup(e164);
    }

    private static String username(String target) {
        return target.trim().replaceFirst("^@", "");
    }

    private static String commandText(Args args) {
        return "admin " + args.option() + (args.value() == null ? "" : " " + args.value());
    }

    private static String percent(Long part, long total) {
        if (total == 0) {
            return "n/a";
        }
        var value = part == null ? 0 : part;
        return String.format(Locale.ROOT, "%.1f%% (%d)", 100.0 * value / total, value);
    }

    private static String day(Instant at) {
        return at == null ? "never" : at.truncatedTo(ChronoUnit.MINUTES).toString();
    }

    /** "+18765551234" -> "+1876***1234"; "maria" -> "ma***". */
    static String mask(String value) {
        if (value == null) {
            return "";
        }
        var digits = value.replaceAll("[^+0-9]", "");
        if (writtenAsPhone(value) && digits.length() >= 10) {
            return digits.substring(0, 5) + "***" + digits.substring(digits.length() - 4);
        }
        return value.length() <= 2 ? "***" : value.substring(0, 2) + "***";
    }

    private static String maskTarget(String target) {
        return target.startsWith("@") ? "@" + mask(target.substring(1)) : mask(target);
    }
}
