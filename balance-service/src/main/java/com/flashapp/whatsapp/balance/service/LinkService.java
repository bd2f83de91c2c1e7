package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.client.FlashClient;
import com.flashapp.whatsapp.balance.client.FlashModels.Login;
import com.flashapp.whatsapp.balance.client.FlashModels.Me;
import com.flashapp.whatsapp.balance.client.FlashUnavailableException;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.format.ReplyFormatter;
import com.flashapp.whatsapp.balance.messaging.OutboxRelay;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy;
import com.flashapp.whatsapp.balance.repository.CacheRepository;
import com.flashapp.whatsapp.balance.repository.ChallengeRepository;
import com.flashapp.whatsapp.balance.repository.ChallengeRepository.Challenge;
import com.flashapp.whatsapp.balance.repository.ChallengeRepository.Guard;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.balance.repository.OutboxRepository;
import com.flashapp.whatsapp.balance.repository.PendingRequestRepository;
import com.flashapp.whatsapp.balance.repository.PendingRequestRepository.Pending;
import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.MessageCodec;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.events.AccountLinked;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * Linking a WhatsApp number to a Flash account and every one-time-code flow: link, verify (the code), MFA
 * re-verification for a pending request, unlink with confirmation, and a stale link after Flash refuses the
 * token. The token is stored encrypted; {@code account.linked} / {@code account.unlinked} go through the outbox
 * in the same transaction as the change; replies are published after the change commits.
 */
@ApplicationScoped
public class LinkService {

    /** Context of the code expectation for linking. */
    public static final String LINK = "link";
    /** Context prefix of the code expectation for an MFA check: {@code mfa:<pending request id>}. */
    public static final String MFA_PREFIX = "mfa:";
    /** Context of the unlink confirmation. */
    public static final String UNLINK = "unlink";

    private static final Set<String> YES = Set.of("YES", "Y", "OK", "OKAY", "CONFIRM", "SURE", "YEAH", "YEP");

    private final FlashClient flash;
    private final LinkRepository links;
    private final ChallengeRepository challenges;
    private final PendingRequestRepository pending;
    private final OutboxRepository outbox;
    private final OutboxRelay relay;
    private final CacheRepository cache;
    private final TokenVault vault;
    private final MfaGuard guard;
    private final Conversation conversation;
    private final ReplyFormatter formatter;
    private final BalanceConfig config;
    private final Pool pool;
    private final Clock clock = Clock.systemUTC();

    public LinkService(FlashClient flash, LinkRepository links, ChallengeRepository challenges,
                       PendingRequestRepository pending, OutboxRepository outbox, OutboxRelay relay,
                       CacheRepository cache, TokenVault vault, MfaGuard guard, Conversation conversation,
                       ReplyFormatter formatter, BalanceConfig config, Pool pool) {
        this.flash = flash;
        this.links = links;
        this.challenges = challenges;
        this.pending = pending;
        this.outbox = outbox;
        this.relay = relay;
        this.cache = cache;
        this.vault = vault;
        this.guard = guard;
        this.conversation = conversation;
        this.formatter = formatter;
        this.config = config;
        this.pool = pool;
    }

    // ------------------------------------------------------------------ link

    /** {@code account.link}: start linking this WhatsApp number (unless already linked). */
    public Uni<Void> link(Envelope request, String whatsapp, String locale) {
        var userRef = request.userRef();
        return links.find(userRef).flatMap(link -> {
            if (link != null && link.active()) {
                return conversation.reply(request, whatsapp, "Your WhatsApp is already linked to Flash as "
                                + handle(link.username()) + ". Reply BALANCE to see your balance, or UNLINK to "
                                + "disconnect.",
                        Conversation.quick("balance", "Balance"), Conversation.quick("unlink", "Unlink"));
            }
            return startCodeFlow(request, whatsapp, LINK, locale, "To link your Flash account, I need a one-time "
                    + "code from Flash.");
        });
    }

    /**
     * The guard wants a fresh code before {@code original} can run: keep the request (encrypted), ask for a code
     * once, and run it after the right code without asking again.
     */
    public Uni<Void> stepUp(ContractMessage original, String whatsapp, Link link, MfaPolicy.Decision decision) {
        var now = clock.instant();
        var id = UUID.randomUUID();
        var payload = vault.encrypt(new String(MessageCodec.encode(original), StandardCharsets.UTF_8),
                original.envelope().userRef());
        var reason = decision.reason();
        var why = reason.startsWith("session_idle") ? "you haven't used Flash here for a while"
                : reason.startsWith("session_older") ? "your last check is more than a day old"
                : reason.startsWith("amount") ? "it's a larger amount"
                : reason.startsWith("new_recipient") ? "you haven't paid this person from here before"
                : reason.startsWith("daily_total") ? "it takes you past today's total"
                : reason.startsWith("velocity") ? "you've sent several payments in a short time"
                : "this is a new session";
        var action = RoutingKeys.Wallet.PAYMENT_SEND.equals(original.routingKey()) ? "send this payment"
                : RoutingKeys.Wallet.PAYMENT_REQUEST.equals(original.routingKey()) ? "send this payment request"
                : "show your " + what(original.routingKey());
        var intro = "🔒 Before I " + action + ", please confirm it's you (" + why + ").";
        return pending.save(new Pending(id, link.userRef(), original.routingKey(), payload,
                        now.plus(config.link().pendingRequestTtl())), now)
                .flatMap(ignored -> startCodeFlow(original.envelope(), whatsapp, MFA_PREFIX + id, link.locale(), intro));
    }

    private Uni<Void> startCodeFlow(Envelope request, String whatsapp, String purpose, String locale, String intro) {
        var userRef = request.userRef();
        var now = clock.instant();
        return challenges.guard(userRef).flatMap(guardState -> {
            if (locked(guardState, now)) {
                return replyLocked(request, whatsapp, guardState.lockedUntil(), locale);
            }
            var expectationId = UUID.randomUUID().toString();
            var expiresAt = now.plus(config.link().codeTtl());
            var challenge = new Challenge(userRef, purpose, expectationId, locale, now, expiresAt);
            var serviceToken = config.flash().serviceToken().filter(t -> !t.isBlank());
            Uni<Boolean> sent = serviceToken.isPresent()
                    ? flash.requestCode(Phones.e164(whatsapp), serviceToken.get())
                    : Uni.createFrom().item(false);
            return challenges.save(challenge)
                    .flatMap(ignored -> sent)
                    .flatMap(codeSent -> {
                        var minutes = config.link().codeTtl().toMinutes();
                        var how = codeSent
                                ? "Flash has just sent a 6-digit code to this WhatsApp number. Reply here with the "
                                + "code (valid for " + minutes + " minutes)."
                                : "Open the Flash app, choose *Log in* with this phone number (" + Phones.mask(whatsapp)
                                + ") and tap *Send code*. Then reply here with the 6-digit code (within " + minutes
                                + " minutes).";
                        Log.infof("Code flow %s started for %s (code sent by Flash: %s)",
                                purpose.startsWith(MFA_PREFIX) ? "mfa" : purpose, userRef, codeSent);
                        return expectCode(request, challenge)
                                .flatMap(x -> conversation.reply(request, whatsapp, intro + "\n\n" + how));
                    });
        });
    }

    private Uni<Void> expectCode(Envelope request, Challenge challenge) {
        return conversation.expect(request, RoutingKeys.Expect.CODE, challenge.expectationId(), challenge.purpose(),
                List.of(), challenge.expiresAt());
    }

    // ------------------------------------------------------------------ verify

    /**
     * A code arrived ({@code account.verify}, or a code expectation's answer). Returns the pending request to run
     * now when this completed an MFA check, else null.
     */
    public Uni<ContractMessage> verify(Envelope request, String whatsapp, String rawCode) {
        var userRef = request.userRef();
        var now = clock.instant();
        var code = rawCode == null ? "" : rawCode.replaceAll("[\\s-]", "");
        return challenges.find(userRef).flatMap(challenge -> challenges.guard(userRef).flatMap(guardState -> {
            var locale = challenge == null ? null : challenge.locale();
            if (locked(guardState, now)) {
                return replyLocked(request, whatsapp, guardState.lockedUntil(), locale).replaceWith((ContractMessage) null);
            }
            if (challenge == null) {
                return conversation.reply(request, whatsapp, "I wasn't expecting a code. Reply LINK to link your Flash "
                                + "account.", Conversation.quick("link", "Link account"))
                        .replaceWith((ContractMessage) null);
            }
            if (challenge.expiresAt().isBefore(now)) {
                return challenges.delete(userRef).flatMap(x -> replyExpired(request, whatsapp, challenge))
                        .replaceWith((ContractMessage) null);
            }
            if (!code.matches("\\d{4,8}")) {
                return wrongCode(request, whatsapp, challenge, guardState, now).replaceWith((ContractMessage) null);
            }
            return flash.login(Phones.e164(whatsapp), code)
                    .flatMap(login -> onLogin(request, whatsapp, challenge, guardState, login, now))
                    .onFailure(FlashUnavailableException.class).recoverWithUni(e -> expectCode(request, challenge)
                            .flatMap(x -> conversation.reply(request, whatsapp, "Flash is not answering right now. "
                                    + "Please send the same code again in a minute."))
                            .replaceWith((ContractMessage) null));
        }));
    }

    private Uni<ContractMessage> onLogin(Envelope request, String whatsapp, Challenge challenge, Guard guardState,
                                         Login login, Instant now) {
        var userRef = request.userRef();
        return switch (login.outcome()) {
            // the challenge goes only after the link is stored, so a redelivery after a failure can still finish
            case SUCCESS -> (challenge.purpose().startsWith(MFA_PREFIX)
                    ? reverified(request, whatsapp, challenge, login.token(), now)
                    : linked(request, whatsapp, challenge, login.token(), now).replaceWith((ContractMessage) null))
                    .call(() -> challenges.delete(userRef))
                    .call(() -> challenges.resetGuard(userRef))
                    .call(() -> guard.recordCode(userRef, challenge.purpose(), "PASSED", now));
            case WRONG_CODE -> wrongCode(request, whatsapp, challenge, guardState, now)
                    .replaceWith((ContractMessage) null);
            case EXPIRED -> challenges.delete(userRef).flatMap(x -> replyExpired(request, whatsapp, challenge))
                    .replaceWith((ContractMessage) null);
            case TOO_MANY_REQUESTS -> challenges.delete(userRef).flatMap(x -> conversation.reply(request, whatsapp,
                            "Flash has seen too many attempts for this number. Please wait a few minutes, then reply "
                                    + "LINK to try again.")).replaceWith((ContractMessage) null);
            case TOTP_REQUIRED -> challenges.delete(userRef).flatMap(x -> conversation.reply(request, whatsapp,
                            "Your Flash account uses an authenticator app (2FA), which linking over WhatsApp doesn't "
                                    + "support yet. Please use the Flash app.")).replaceWith((ContractMessage) null);
        };
    }

    private Uni<Void> linked(Envelope request, String whatsapp, Challenge challenge, String token, Instant now) {
        var userRef = request.userRef();
        return flash.me(token).flatMap(me -> {
            var link = new Link(userRef, me.accountId(), me.userId(), me.username(), me.displayCurrency(),
                    me.defaultWalletId(), challenge.locale(), vault.encrypt(token, userRef), Link.Status.ACTIVE, now,
                    now, now);
            var event = new AccountLinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_LINKED,
                    request.correlationId(), userRef), whatsapp, me.accountId(), me.userId(), me.username(),
                    me.displayCurrency(), me.wallets().stream().map(w -> w.id()).toList(), challenge.locale());
            return pool.withTransaction(tx -> links.saveVerified(tx, link, now)
                            .flatMap(x -> outbox.add(tx, Exchanges.FLASH_EVENTS, event)))
                    .flatMap(x -> cache.evictBalance(userRef))
                    .invoke(() -> Log.infof("Linked %s to Flash account %s", userRef, me.accountId()))
                    // account.linked on the broker before the greeting: command-service learns the link from it,
                    // and a user who answers the greeting at once must not be told to link first. A failed run
                    // is left to the scheduled relay.
                    .flatMap(x -> relay.relayOnce().onFailure().recoverWithItem(0))
                    .flatMap(x -> conversation.reply(request, whatsapp, greeting(me),
                            Conversation.quick("balance", "Check balance"), Conversation.quick("price", "BTC price"),
                            Conversation.quick("help", "Help")));
        }).onFailure(FlashUnavailableException.class).recoverWithUni(e -> conversation.reply(request, whatsapp,
                "Your code was accepted, but Flash is not answering right now. Please reply LINK in a minute to "
                        + "finish linking."));
    }

    private Uni<ContractMessage> reverified(Envelope request, String whatsapp, Challenge challenge, String token,
                                            Instant now) {
        var userRef = request.userRef();
        var pendingId = UUID.fromString(challenge.purpose().substring(MFA_PREFIX.length()));
        return links.reverified(userRef, vault.encrypt(token, userRef), now)
                .flatMap(x -> pending.take(pendingId, userRef, now))
                .flatMap(waiting -> {
                    if (waiting == null) {
                        return conversation.reply(request, whatsapp, "✅ Thanks, you're verified. What would you "
                                        + "like to do?", Conversation.quick("balance", "Balance"))
                                .replaceWith((ContractMessage) null);
                    }
                    var json = vault.decrypt(waiting.payloadCiphertext(), userRef).getBytes(StandardCharsets.UTF_8);
                    return Uni.createFrom().item(
                            MessageCodec.decode(json, Exchanges.WALLET_REQUESTS, waiting.routingKey()));
                });
    }

    private Uni<Void> wrongCode(Envelope request, String whatsapp, Challenge challenge, Guard guardState,
                                Instant now) {
        var userRef = request.userRef();
        var window = config.link().attemptWindow();
        var fresh = guardState.windowStartedAt() == null
                || Duration.between(guardState.windowStartedAt(), now).compareTo(window) > 0;
        var failures = fresh ? 1 : guardState.failures() + 1;
        var windowStart = fresh ? now : guardState.windowStartedAt();
        var max = config.link().maxAttempts();
        if (failures >= max) {
            var until = now.plus(config.link().lockout());
            return challenges.saveGuard(userRef, new Guard(failures, windowStart, until))
                    .flatMap(x -> challenges.delete(userRef))
                    .flatMap(x -> guard.recordCode(userRef, challenge.purpose(), "LOCKED", now))
                    .invoke(() -> Log.warnf("Code flow locked for %s after %d wrong codes", userRef, failures))
                    .flatMap(x -> replyLocked(request, whatsapp, until, challenge.locale()));
        }
        var left = max - failures;
        return challenges.saveGuard(userRef, new Guard(failures, windowStart, null))
                .flatMap(x -> guard.recordCode(userRef, challenge.purpose(), "FAILED", now))
                .flatMap(x -> expectCode(request, challenge))
                .flatMap(x -> conversation.reply(request, whatsapp, "❌ That code isn't right. You have " + left
                        + (left == 1 ? " try" : " tries") + " left: reply with the 6-digit code from Flash."));
    }

    private Uni<Void> replyExpired(Envelope request, String whatsapp, Challenge challenge) {
        var again = challenge.purpose().startsWith(MFA_PREFIX)
                ? Conversation.quick("balance", "Send a new code") : Conversation.quick("link", "Send a new code");
        return conversation.reply(request, whatsapp, "⌛ That code has expired. Reply " + again.payload().toUpperCase()
                + " and I'll get you a new one.", again);
    }

    private Uni<Void> replyLocked(Envelope request, String whatsapp, Instant until, String locale) {
        return conversation.reply(request, whatsapp, "🔒 Too many wrong codes. For your safety, codes are locked "
                + "until " + formatter.time(until, formatter.locale(locale)) + ". Please try again after that.");
    }

    private static boolean locked(Guard guardState, Instant now) {
        return guardState.lockedUntil() != null && guardState.lockedUntil().isAfter(now);
    }

    // ------------------------------------------------------------------ unlink

    /** {@code account.unlink}: ask for confirmation first. */
    public Uni<Void> unlink(Envelope request, String whatsapp) {
        return links.find(request.userRef()).flatMap(link -> {
            if (link == null) {
                return conversation.reply(request, whatsapp, "No Flash account is linked to this WhatsApp number. "
                        + "Reply LINK to link one.", Conversation.quick("link", "Link account"));
            }
            var expiresAt = clock.instant().plus(config.link().confirmationTtl());
            return conversation.expect(request, RoutingKeys.Expect.CONFIRMATION, UUID.randomUUID().toString(), UNLINK,
                            List.of("YES", "NO"), expiresAt)
                    .flatMap(x -> conversation.reply(request, whatsapp, "Reply YES to unlink your Flash account "
                                    + handle(link.username()) + " from this WhatsApp number, or NO to keep it.",
                            Conversation.quick("YES", "Yes, unlink"), Conversation.quick("NO", "No, keep it")));
        });
    }

    /** The answer to "reply YES to unlink". */
    public Uni<Void> confirmUnlink(Envelope request, String whatsapp, String answer) {
        var userRef = request.userRef();
        if (answer == null || !YES.contains(answer.trim().toUpperCase(Locale.ROOT))) {
            return conversation.reply(request, whatsapp, "OK, your Flash account stays linked.");
        }
        return links.find(userRef).flatMap(link -> {
            if (link == null) {
                return conversation.reply(request, whatsapp, "Your Flash account is already unlinked.");
            }
            Uni<Void> logout = link.tokenCiphertext() == null ? Uni.createFrom().voidItem()
                    : flash.logout(vault.decrypt(link.tokenCiphertext(), userRef))
                    .onFailure().recoverWithItem(e -> {
                        // the token is deleted either way; Flash ends the session itself later
                        Log.infof("Flash logout for %s failed (%s); deleting the token anyway", userRef,
                                e.getClass().getSimpleName());
                        return null;
                    });
            var event = new AccountUnlinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_UNLINKED,
                    request.correlationId(), userRef), link.flashAccountId(), "user");
            return logout
                    .flatMap(x -> pool.withTransaction(tx -> links.delete(tx, userRef)
                            .flatMap(deleted -> outbox.add(tx, Exchanges.FLASH_EVENTS, event))))
                    .flatMap(x -> forgetEverything(userRef))
                    .invoke(() -> Log.infof("Unlinked %s", userRef))
                    .flatMap(x -> conversation.reply(request, whatsapp, "Done: your Flash account is unlinked and "
                            + "I've deleted its access from this service. Reply LINK any time to link again.",
                            Conversation.quick("link", "Link again")));
        });
    }

    // ------------------------------------------------------------------ stale link

    /** Flash refused the stored token: mark the link stale, tell the user to link again. */
    public Uni<Void> stale(Envelope request, String whatsapp, Link link) {
        var userRef = link.userRef();
        var now = clock.instant();
        var event = new AccountUnlinked(Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_UNLINKED,
                request.correlationId(), userRef), link.flashAccountId(), "token_revoked");
        return pool.withTransaction(tx -> links.markStale(tx, userRef, now)
                        .flatMap(changed -> changed ? outbox.add(tx, Exchanges.FLASH_EVENTS, event)
                                : Uni.createFrom().voidItem()))
                .flatMap(x -> forgetEverything(userRef))
                .invoke(() -> Log.warnf("Flash refused the token of %s: link marked stale", userRef))
                .flatMap(x -> conversation.reply(request, whatsapp, "Your Flash session has ended (for example "
                        + "after logging out everywhere in the app), so I can't reach your account any more. Reply "
                        + "LINK to link it again.", Conversation.quick("link", "Link again")));
    }

    private Uni<Void> forgetEverything(String userRef) {
        return cache.evictBalance(userRef)
                .flatMap(x -> pending.deleteForUser(userRef))
                .flatMap(x -> challenges.delete(userRef));
    }

    // ------------------------------------------------------------------ texts

    private static String greeting(Me me) {
        return "✅ Linked! Welcome, " + handle(me.username()) + ".\n\nYou can now:\n"
                + "• BALANCE: see your balance\n"
                + "• PRICE: the bitcoin price\n"
                + "• UNLINK: disconnect your account\n"
                + "• HELP: everything else";
    }

    private static String handle(String username) {
        return username == null || username.isBlank() ? "your Flash account" : "@" + username;
    }

    private static String what(String routingKey) {
        return switch (routingKey) {
            case RoutingKeys.Wallet.BALANCE_GET -> "balance";
            case RoutingKeys.Wallet.HISTORY_GET -> "history";
            default -> "account";
        };
    }
}
