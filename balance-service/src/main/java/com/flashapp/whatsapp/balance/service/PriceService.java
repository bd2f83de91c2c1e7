package com.flashapp.whatsapp.balance.service;

import com.flashapp.whatsapp.balance.client.FlashClient;
import com.flashapp.whatsapp.balance.client.FlashRejectedException;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.format.ReplyFormatter;
import com.flashapp.whatsapp.balance.repository.CacheRepository;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;

/**
 * {@code price.get}: the BTC price in the asked currency, else the user's display currency (when linked), else
 * the default; no link or MFA needed. Cached briefly per currency.
 */
@ApplicationScoped
public class PriceService {

    private final FlashClient flash;
    private final CacheRepository cache;
    private final LinkRepository links;
    private final Conversation conversation;
    private final ReplyFormatter formatter;
    private final String defaultCurrency;

    public PriceService(FlashClient flash, CacheRepository cache, LinkRepository links, Conversation conversation,
                        ReplyFormatter formatter, BalanceConfig config) {
        this.flash = flash;
        this.cache = cache;
        this.links = links;
        this.conversation = conversation;
        this.formatter = formatter;
        this.defaultCurrency = config.format().defaultCurrency();
    }

    public Uni<Void> price(PriceRequest request) {
        var envelope = request.envelope();
        return links.find(envelope.userRef()).flatMap(link -> {
            var asked = request.currency() == null ? "" : request.currency().trim().toUpperCase(Locale.ROOT);
            var currency = !asked.isEmpty() ? asked : link != null ? link.displayCurrency() : defaultCurrency;
            var locale = formatter.locale(link == null ? null : link.locale());
            if (!currency.matches("[A-Z]{3,4}")) {
                return unknownCurrency(request, asked);
            }
            return cache.price(currency).flatMap(hit -> {
                if (hit != null) {
                    return conversation.reply(envelope, request.whatsapp(), formatter.price(hit, locale, null));
                }
                return flash.realtimePrice(currency)
                        .onItemOrFailure().transformToUni((quote, failure) -> {
                            if (failure instanceof FlashRejectedException) {
                                return unknownCurrency(request, currency);
                            }
                            if (failure != null) {
                                Log.warnf("Price from Flash failed: %s", failure.getClass().getSimpleName());
                                return conversation.reply(envelope, request.whatsapp(), BalanceService.FLASH_DOWN);
                            }
                            return cache.putPrice(currency, quote).flatMap(x -> conversation.reply(envelope,
                                    request.whatsapp(), formatter.price(quote, locale, null)));
                        });
            });
        });
    }

    private Uni<Void> unknownCurrency(PriceRequest request, String currency) {
        return conversation.reply(request.envelope(), request.whatsapp(), "I don't know the currency \""
                + currency + "\". Try PRICE USD or PRICE JMD.");
    }
}
