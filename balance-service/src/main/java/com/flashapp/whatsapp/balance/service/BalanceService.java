package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.client.FlashClient;
import com.flashapp.whatsapp.balance.client.FlashModels.Balance;
import com.flashapp.whatsapp.balance.client.FlashUnauthenticatedException;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.format.ReplyFormatter;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy;
import com.flashapp.whatsapp.balance.repository.CacheRepository;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * {@code balance.get}: behind the MFA guard, from the encrypted Redis cache while fresh (unless {@code refresh}),
 * else from Flash; when Flash is down, the last known balance with its age, else a friendly "try again".
 */
@ApplicationScoped
public class BalanceService {

    static final String FLASH_DOWN = "Flash is not answering right now. Please try again in a minute.";

    private final LinkRepository links;
    private final LinkService linking;
    private final MfaGuard guard;
    private final FlashClient flash;
    private final CacheRepository cache;
    private final TokenVault vault;
    private final Conversation conversation;
    private final ReplyFormatter formatter;
    private final Duration freshFor;
    private final Clock clock = Clock.systemUTC();

    public BalanceService(LinkRepository links, LinkService linking, MfaGuard guard, FlashClient flash,
                          CacheRepository cache, TokenVault vault, Conversation conversation, ReplyFormatter formatter,
                          BalanceConfig config) {
        this.links = links;
        this.linking = linking;
        this.guard = guard;
        this.flash = flash;
        this.cache = cache;
        this.vault = vault;
        this.conversation = conversation;
        this.formatter = formatter;
        this.freshFor = config.cache().balanceTtl();
    }

    public Uni<Void> balance(BalanceRequest request) {
        var envelope = request.envelope();
        var now = clock.instant();
        return links.find(envelope.userRef()).flatMap(link -> {
            if (link == null) {
                return notLinked(envelope, request.whatsapp());
            }
            if (!link.active()) {
                return conversation.reply(envelope, request.whatsapp(), "Your Flash link has ended. Reply LINK to "
                        + "link your account again.", Conversation.quick("link", "Link again"));
            }
            return guard.check(MfaPolicy.Operation.READ_BALANCE, link, now).flatMap(decision -> decision.allowed()
                    ? links.touch(link.userRef(), now).flatMap(x -> answer(request, link, now))
                    : linking.stepUp(request, request.whatsapp(), link, decision));
        });
    }

    private Uni<Void> answer(BalanceRequest request, Link link, Instant now) {
        var userRef = link.userRef();
        var locale = formatter.locale(link.locale());
        Uni<Balance> cached = request.refresh() ? Uni.createFrom().nullItem() : cache.balance(userRef);
        return cached.flatMap(hit -> {
            if (hit != null && Duration.between(hit.fetchedAt(), now).compareTo(freshFor) <= 0) {
                return conversation.reply(request.envelope(), request.whatsapp(),
                        formatter.balance(hit, locale, hit.fetchedAt(), false), nextSteps());
            }
            return flash.balance(vault.decrypt(link.tokenCiphertext(), userRef))
                    .onItemOrFailure().transformToUni((fresh, failure) -> {
                        if (failure instanceof FlashUnauthenticatedException) {
                            return linking.stale(request.envelope(), request.whatsapp(), link);
                        }
                        if (failure != null) {
                            return degraded(request, userRef, locale, failure);
                        }
                        return cache.putBalance(userRef, fresh).flatMap(x -> conversation.reply(request.envelope(),
                                request.whatsapp(), formatter.balance(fresh, locale, null, false), nextSteps()));
                    });
        });
    }

    private Uni<Void> degraded(BalanceRequest request, String userRef, Locale locale, Throwable failure) {
        Log.warnf("Balance for %s from Flash failed (%s); answering from the cache if possible", userRef,
                failure.getClass().getSimpleName());
        return cache.balance(userRef).flatMap(last -> last == null
                ? conversation.reply(request.envelope(), request.whatsapp(), FLASH_DOWN)
                : conversation.reply(request.envelope(), request.whatsapp(),
                formatter.balance(last, locale, last.fetchedAt(), true)));
    }

    private Uni<Void> notLinked(Envelope envelope, String whatsapp) {
        return conversation.reply(envelope, whatsapp, "Your WhatsApp isn't linked to a Flash account yet. Reply "
                + "LINK to connect it.", Conversation.quick("link", "Link account"));
    }

    /** After a balance: refresh it, or the natural next steps (command words command-service parses). */
    private static QuickReply[] nextSteps() {
        return new QuickReply[] {Conversation.quick("balance refresh", "Refresh"),
                Conversation.quick("history", "See history"), Conversation.quick("receive", "Receive money")};
    }
}
