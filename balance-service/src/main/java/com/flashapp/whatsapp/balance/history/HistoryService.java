package com.flashapp.whatsapp.balance.history;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.client.FlashWalletClient;
import com.flashapp.whatsapp.balance.client.WalletModels.Tx;
import com.flashapp.whatsapp.balance.client.WalletModels.TxDetails;
import com.flashapp.whatsapp.balance.config.WalletConfig;
import com.flashapp.whatsapp.balance.format.MoneyFormatter;
import com.flashapp.whatsapp.balance.mfa.MfaPolicy;
import com.flashapp.whatsapp.balance.service.Conversation;
import com.flashapp.whatsapp.balance.service.MfaGuard;
import com.flashapp.whatsapp.balance.wallet.Money;
import com.flashapp.whatsapp.balance.wallet.WalletSupport;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code history.get}, behind the MFA guard: {@code history} (the last {@code page-size}), {@code history 20},
 * {@code history more} (the next page) and {@code history <n>} (one entry in detail, with the memo from
 * {@code transactionDetails} where the list has none). Flash does not forward {@code after} to its provider, so
 * a next page is read as the first {@code shown + page} entries and the shown ones are skipped.
 */
@ApplicationScoped
public class HistoryService {

    private static final int FLASH_MAX_FIRST = 100;

    private final WalletSupport support;
    private final MfaGuard guard;
    private final FlashWalletClient flash;
    private final HistoryState state;
    private final WalletConfig.History config;
    private final Clock clock = Clock.systemUTC();

    public HistoryService(WalletSupport support, MfaGuard guard, FlashWalletClient flash, HistoryState state,
                          WalletConfig config) {
        this.support = support;
        this.guard = guard;
        this.flash = flash;
        this.state = state;
        this.config = config.history();
    }

    public Uni<Void> history(HistoryRequest request) {
        var envelope = request.envelope();
        var now = clock.instant();
        return support.activeLink(envelope, request.whatsapp()).flatMap(link -> {
            if (link == null) {
                return Uni.createFrom().voidItem();
            }
            return guard.check(MfaPolicy.Operation.READ_HISTORY, link, now).flatMap(decision -> decision.allowed()
                    ? support.links().touch(link.userRef(), now).flatMap(x -> answer(request, link))
                    : support.linking().stepUp(request, request.whatsapp(), link, decision));
        });
    }

    private Uni<Void> answer(HistoryRequest request, Link link) {
        Uni<Void> work;
        if (request.detailIndex() != null) {
            work = detail(request, link, request.detailIndex());
        } else if (request.nextPage()) {
            work = state.find(link.userRef()).flatMap(shown -> shown == null
                    ? list(request, link, config.pageSize(), List.of())
                    : !shown.hasMore() ? support.reply(request.envelope(), request.whatsapp(),
                    "That's all: there are no older transactions.")
                    : list(request, link, shown.pageSize(), shown.entries()));
        } else {
            var limit = request.limit() == null ? config.pageSize() : request.limit();
            if (limit < 1 || limit > config.maxLimit()) {
                return support.reply(request.envelope(), request.whatsapp(), "I can show 1 to " + config.maxLimit()
                        + " transactions at a time, e.g. HISTORY " + config.maxLimit() + ".");
            }
            work = list(request, link, limit, List.of());
        }
        return work.onFailure().recoverWithUni(e -> support.failed(request.envelope(), request.whatsapp(), link, e,
                "History"));
    }

    private Uni<Void> list(HistoryRequest request, Link link, int pageSize, List<Tx> before) {
        var wanted = Math.min(FLASH_MAX_FIRST, before.size() + pageSize);
        var locale = support.locale(link);
        return flash.transactions(support.token(link), wanted, null).flatMap(page -> {
            // Flash caps the list at "first"; never show more than asked even if a server sends more
            var all = page.items().size() > wanted ? page.items().subList(0, wanted) : page.items();
            var fresh = all.size() > before.size() ? all.subList(before.size(), all.size()) : List.<Tx>of();
            if (fresh.isEmpty()) {
                var text = before.isEmpty() ? "You have no transactions yet. Reply RECEIVE to get paid."
                        : "That's all: there are no older transactions.";
                return support.reply(request.envelope(), request.whatsapp(), text, before.isEmpty()
                        ? Conversation.quick("receive", "Receive money") : Conversation.quick("balance",
                        "Check balance"));
            }
            var shown = new ArrayList<>(before);
            shown.addAll(fresh);
            var hasMore = (page.items().size() >= wanted || page.hasNextPage()) && wanted < FLASH_MAX_FIRST;
            var text = new StringBuilder(before.isEmpty() ? "🧾 *Your latest transactions*\n"
                    : "🧾 *Older transactions*\n");
            for (int i = 0; i < fresh.size(); i++) {
                text.append('\n').append(before.size() + i + 1).append(". ").append(line(fresh.get(i), locale));
            }
            text.append("\n\nReply HISTORY <number> for details");
            var quick = new ArrayList<com.flashapp.whatsapp.contracts.QuickReply>();
            if (hasMore) {
                text.append(", or HISTORY MORE for older ones");
                quick.add(Conversation.quick("history more", "Older payments"));
            }
            text.append('.');
            quick.add(Conversation.quick("history 1", "Details of 1"));
            quick.add(Conversation.quick("balance", "Check balance"));
            return state.save(link.userRef(), new HistoryState.Shown(List.copyOf(shown), pageSize, hasMore))
                    .flatMap(x -> support.reply(request.envelope(), request.whatsapp(), text.toString(),
                            quick.toArray(com.flashapp.whatsapp.contracts.QuickReply[]::new)));
        });
    }

    private Uni<Void> detail(HistoryRequest request, Link link, int index) {
        if (index < 1 || index > FLASH_MAX_FIRST) {
            return support.reply(request.envelope(), request.whatsapp(), "Reply HISTORY to see your transactions, "
                    + "then HISTORY <number> for one of them.");
        }
        var token = support.token(link);
        var locale = support.locale(link);
        return state.find(link.userRef())
                .flatMap(shown -> shown != null && shown.entries().size() >= index
                        ? Uni.createFrom().item(shown.entries().get(index - 1))
                        : flash.transactions(token, index, null)
                        .map(page -> page.items().size() >= index ? page.items().get(index - 1) : null))
                .flatMap(tx -> {
                    if (tx == null) {
                        return support.reply(request.envelope(), request.whatsapp(), "There is no transaction number "
                                + index + ". Reply HISTORY to see your latest ones.");
                    }
                    Uni<TxDetails> details = tx.memo() != null ? Uni.createFrom().nullItem()
                            : flash.transactionDetails(token, tx.id()).onFailure().recoverWithItem(e -> {
                                // the details are a bonus: the entry is still worth showing without its memo
                                Log.infof("transactionDetails unavailable for %s: %s", link.userRef(),
                                        e.getClass().getSimpleName());
                                return null;
                            });
                    return details.flatMap(d -> support.reply(request.envelope(), request.whatsapp(),
                            detailText(index, tx, d, locale)));
                });
    }

    /** One line of the list, e.g. {@code ⬇️ +$5.00 from @bob · 10:02}. */
    String line(Tx tx, Locale locale) {
        var arrow = tx.received() ? "⬇️ +" : "⬆️ -";
        var amount = Money.walletAmount(Math.abs(tx.amountMinor()), tx.currency(), locale);
        var who = tx.counterparty() != null ? "@" + tx.counterparty() : "Lightning";
        var fiat = display(tx, locale);
        var status = "SUCCESS".equals(tx.status()) || tx.status() == null ? "" : " (" + tx.status().toLowerCase(Locale.ROOT) + ")";
        var when = tx.createdAt() == null ? "" : " · " + support.formatter().time(tx.createdAt(), locale);
        return arrow + amount + (fiat == null ? "" : " (≈ " + fiat + ")") + (tx.received() ? " from " : " to ") + who
                + status + when;
    }

    private String detailText(int index, Tx tx, TxDetails details, Locale locale) {
        var memo = tx.memo() != null ? tx.memo() : details == null ? null : details.memo();
        var text = new StringBuilder("🧾 *Transaction " + index + "*\n");
        text.append("\nDirection: ").append(tx.received() ? "received" : "sent");
        text.append("\nAmount: ").append(Money.walletAmount(Math.abs(tx.amountMinor()), tx.currency(), locale));
        var fiat = display(tx, locale);
        if (fiat != null) {
            text.append(" (≈ ").append(fiat).append(')');
        }
        text.append(tx.received() ? "\nFrom: " : "\nTo: ")
                .append(tx.counterparty() != null ? "@" + tx.counterparty() : "Lightning");
        if (tx.feeMinor() > 0) {
            text.append("\nFee: ").append(Money.walletAmount(tx.feeMinor(), tx.currency(), locale));
        }
        text.append("\nStatus: ").append(tx.status() == null ? "unknown" : tx.status().toLowerCase(Locale.ROOT));
        if (tx.createdAt() != null) {
            text.append("\nTime: ").append(support.formatter().time(tx.createdAt(), locale));
        }
        text.append("\nMemo: ").append(memo == null || memo.isBlank() ? "(none)" : memo);
        text.append("\nWallet: ").append("BTC".equals(tx.currency()) ? "Bitcoin" : "Cash (USD)");
        text.append("\nId: ").append(tx.id());
        return text.toString();
    }

    /** The display-currency amount when it adds something (not for USD amounts shown in USD). */
    private static String display(Tx tx, Locale locale) {
        if (tx.displayAmount() == null || tx.displayCurrency() == null) {
            return null;
        }
        if ("USD".equals(tx.displayCurrency()) && !"BTC".equals(tx.currency())) {
            return null;
        }
        BigDecimal value = tx.displayAmount().abs();
        return MoneyFormatter.fiat(value, tx.displayCurrency(), locale);
    }
}
