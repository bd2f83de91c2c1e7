package com.flashapp.whatsapp.balance.receive;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.client.FlashClient;
import com.flashapp.whatsapp.balance.client.FlashModels.Me;
import com.flashapp.whatsapp.balance.client.FlashModels.Wallet;
import com.flashapp.whatsapp.balance.client.FlashRejectedException;
import com.flashapp.whatsapp.balance.client.FlashWalletClient;
import com.flashapp.whatsapp.balance.client.WalletModels.Invoice;
import com.flashapp.whatsapp.balance.config.BalanceConfig;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.media.GatewayMedia;
import com.flashapp.whatsapp.balance.service.Conversation;
import com.flashapp.whatsapp.balance.wallet.Money;
import com.flashapp.whatsapp.balance.wallet.Money.Quote;
import com.flashapp.whatsapp.balance.wallet.WalletSupport;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * {@code invoice.create} ("receive", "receive 10", "receive 10 JMD", "receive 500 sats for lunch"): a Lightning
 * invoice on the right wallet (USD amounts on the Cash wallet with {@code lnUsdInvoiceCreate}, sats on the
 * Bitcoin wallet with {@code lnInvoiceCreate}, no amount with {@code lnNoAmountInvoiceCreate}), with the limits
 * and memo length of {@code wallet.receive.*}. The reply carries the invoice's QR code (a PNG handed to the
 * gateway, linked by a signed URL) and the user's Lightning address, then the invoice in a message of its own
 * (easy to forward).
 */
@ApplicationScoped
public class ReceiveService {

    private final WalletSupport support;
    private final FlashClient account;
    private final FlashWalletClient flash;
    private final Money money;
    private final WalletConfig.Receive config;
    private final GatewayMedia media;
    private final int qrSize;

    public ReceiveService(WalletSupport support, FlashClient account, FlashWalletClient flash, Money money,
                          WalletConfig config, GatewayMedia media, BalanceConfig balanceConfig) {
        this.support = support;
        this.media = media;
        this.qrSize = balanceConfig.media().qrSize();
        this.account = account;
        this.flash = flash;
        this.money = money;
        this.config = config.receive();
    }

    /** What {@link #create} made: the invoice, its amount as said, and the Lightning address (may be null). */
    public record Created(Invoice invoice, Quote quote, String lightningAddress, Instant expiresAt) {
    }

    public Uni<Void> receive(InvoiceCreateRequest request) {
        var envelope = request.envelope();
        return support.activeLink(envelope, request.whatsapp()).flatMap(link -> {
            if (link == null) {
                return Uni.createFrom().voidItem();
            }
            var locale = support.locale(link);
            return create(envelope, request.whatsapp(), link, request.amount(), request.memo(),
                    config.expiresInMinutes())
                    .flatMap(created -> created == null ? Uni.createFrom().voidItem()
                            : reply(envelope, request.whatsapp(), created, request.memo(), locale))
                    .onFailure().recoverWithUni(e -> support.failed(envelope, request.whatsapp(), link, e, "Receive"));
        });
    }

    /**
     * Creates an invoice after checking memo and limits; null after having told the user what is wrong. Used by
     * payment requests too.
     */
    public Uni<Created> create(Envelope envelope, String whatsapp, Link link, Amount amount, String memo,
                               int expiresInMinutes) {
        var locale = support.locale(link);
        var cleanMemo = memo == null || memo.isBlank() ? null : memo.strip();
        if (cleanMemo != null && cleanMemo.getBytes(StandardCharsets.UTF_8).length > config.memoMaxBytes()) {
            return support.reply(envelope, whatsapp, "That note is too long: keep it under " + config.memoMaxBytes()
                    + " characters.").replaceWith((Created) null);
        }
        var token = support.token(link);
        Uni<Quote> quote = amount == null ? Uni.createFrom().nullItem() : money.quote(amount, locale);
        return quote.flatMap(q -> {
            if (q != null && q.usdCents() > config.maxUsdCents()) {
                return support.reply(envelope, whatsapp, "That's more than I can ask for in one invoice (up to "
                        + Money.usd(config.maxUsdCents(), locale) + ").").replaceWith((Created) null);
            }
            if (q != null && q.kind() == Money.Kind.SATS && q.minor() > config.maxSats()) {
                return support.reply(envelope, whatsapp, "That's more than I can ask for in one invoice (up to "
                        + com.flashapp.whatsapp.balance.format.MoneyFormatter.sats(config.maxSats(), locale) + ").")
                        .replaceWith((Created) null);
            }
            return account.me(token).flatMap(me -> {
                var usd = wallet(me, "USD");
                var btc = wallet(me, "BTC");
                Uni<Invoice> invoice;
                if (q == null) {
                    var target = usd != null ? usd : btc;
                    invoice = flash.noAmountInvoice(token, target.id(), cleanMemo, expiresInMinutes);
                } else if (q.kind() == Money.Kind.SATS) {
                    if (btc == null) {
                        return support.reply(envelope, whatsapp, "Your Flash account has no Bitcoin wallet. Ask "
                                + "for dollars instead, e.g. RECEIVE 5.").replaceWith((Created) null);
                    }
                    invoice = flash.satsInvoice(token, btc.id(), q.minor(), cleanMemo, expiresInMinutes);
                } else {
                    if (usd == null) {
                        return support.reply(envelope, whatsapp, "Your Flash account has no Cash wallet. Ask for "
                                + "sats instead, e.g. RECEIVE 1000 SATS.").replaceWith((Created) null);
                    }
                    invoice = flash.usdInvoice(token, usd.id(), q.minor(), cleanMemo, expiresInMinutes);
                }
                var address = me.username() == null || me.username().isBlank() ? null
                        : me.username() + "@" + config.lightningDomain();
                var expiresAt = Instant.now().plus(Duration.ofMinutes(expiresInMinutes));
                return invoice.map(i -> new Created(i, q, address, expiresAt))
                        .onFailure(FlashRejectedException.class).recoverWithUni(e -> {
                            Log.infof("Flash refused an invoice for %s: %s", link.userRef(),
                                    ((FlashRejectedException) e).code());
                            return support.reply(envelope, whatsapp, "Flash couldn't create that invoice ("
                                    + e.getMessage() + "). Please check the amount and try again.")
                                    .replaceWith((Created) null);
                        });
            });
        });
    }

    private Uni<Void> reply(Envelope envelope, String whatsapp, Created created, String memo, Locale locale) {
        var text = new StringBuilder("⚡ *Your invoice*");
        text.append(created.quote() == null ? " (the payer chooses the amount)"
                : " for " + created.quote().asSaid());
        if (memo != null && !memo.isBlank()) {
            text.append(" — ").append(memo.strip());
        }
        text.append("\n\nShare the invoice in the next message; it is valid for ").append(config.expiresInMinutes())
                .append(" minutes. I'll tell you when it's paid.");
        if (created.lightningAddress() != null) {
            text.append("\n\nYou can also be paid any time at your Lightning address: *")
                    .append(created.lightningAddress()).append('*');
        }
        return qrCode(envelope, created).flatMap(urls -> support.conversation().reply(envelope, whatsapp,
                        text.toString(), urls, Conversation.quick("balance", "Check balance")))
                .flatMap(x -> support.reply(envelope, whatsapp, created.invoice().paymentRequest()));
    }

    /**
     * The invoice's QR code handed to the gateway (confirmed by the broker) as a one-element list of its signed
     * URL, valid no longer than the invoice. Without it the reply still carries the invoice text, so a failure
     * here only costs the image.
     */
    public Uni<List<String>> qrCode(Envelope envelope, Created created) {
        return Uni.createFrom().item(() -> QrCodes.invoicePng(created.invoice().paymentRequest(), qrSize))
                .flatMap(png -> media.store(envelope, "image/png", png, created.expiresAt()))
                .map(List::of)
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("QR image for %s not handed to the gateway: %s", envelope.userRef(), e.toString());
                    return List.<String>of();
                });
    }

    private static Wallet wallet(Me me, String currency) {
        return me.wallets().stream()
                .filter(w -> currency.equals(w.currency()) || ("USD".equals(currency) && "USDT".equals(w.currency())))
                .findFirst().orElse(null);
    }

}
