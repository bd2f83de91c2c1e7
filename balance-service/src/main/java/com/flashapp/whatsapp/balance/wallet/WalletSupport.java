package com.flashapp.whatsapp.balance.wallet;

import com.flashapp.whatsapp.balance.Link;
import com.flashapp.whatsapp.balance.client.FlashUnauthenticatedException;
import com.flashapp.whatsapp.balance.client.FlashUnavailableException;
import com.flashapp.whatsapp.balance.crypto.TokenVault;
import com.flashapp.whatsapp.balance.format.ReplyFormatter;
import com.flashapp.whatsapp.balance.repository.LinkRepository;
import com.flashapp.whatsapp.balance.service.Conversation;
import com.flashapp.whatsapp.balance.service.LinkService;
import com.flashapp.whatsapp.contracts.Envelope;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;

/**
 * What every wallet command does first and last: find an active link (else tell the user how to link), decrypt
 * the token, and turn a failure into a friendly answer (a refused token makes the link stale; an outage says
 * "try again in a minute"). The user never sees an exception text.
 */
@ApplicationScoped
public class WalletSupport {

    public static final String FLASH_DOWN = "Flash is not answering right now. Please try again in a minute.";

    private final LinkRepository links;
    private final LinkService linking;
    private final TokenVault vault;
    private final Conversation conversation;
    private final ReplyFormatter formatter;

    public WalletSupport(LinkRepository links, LinkService linking, TokenVault vault, Conversation conversation,
                         ReplyFormatter formatter) {
        this.links = links;
        this.linking = linking;
        this.vault = vault;
        this.conversation = conversation;
        this.formatter = formatter;
    }

    /** The user's active link, or null after telling them to link (or link again). */
    public Uni<Link> activeLink(Envelope request, String whatsapp) {
        return links.find(request.userRef()).flatMap(link -> {
            if (link == null) {
                return conversation.reply(request, whatsapp, "Your WhatsApp isn't linked to a Flash account yet. "
                                + "Reply LINK to connect it.", Conversation.quick("link", "Link account"))
                        .replaceWith((Link) null);
            }
            if (!link.active()) {
                return conversation.reply(request, whatsapp, "Your Flash link has ended. Reply LINK to link your "
                                + "account again.", Conversation.quick("link", "Link again"))
                        .replaceWith((Link) null);
            }
            return Uni.createFrom().item(link);
        });
    }

    public String token(Link link) {
        return vault.decrypt(link.tokenCiphertext(), link.userRef());
    }

    public Locale locale(Link link) {
        return formatter.locale(link == null ? null : link.locale());
    }

    public ReplyFormatter formatter() {
        return formatter;
    }

    public Uni<Void> reply(Envelope request, String whatsapp, String body,
                           com.flashapp.whatsapp.contracts.QuickReply... quickReplies) {
        return conversation.reply(request, whatsapp, body, quickReplies);
    }

    public Conversation conversation() {
        return conversation;
    }

    public LinkService linking() {
        return linking;
    }

    public LinkRepository links() {
        return links;
    }

    /** A Flash failure as an answer: stale link, outage, or (anything else) a generic "try again". */
    public Uni<Void> failed(Envelope request, String whatsapp, Link link, Throwable failure, String what) {
        if (failure instanceof FlashUnauthenticatedException) {
            return linking.stale(request, whatsapp, link);
        }
        if (failure instanceof Money.BadAmountException bad) {
            return conversation.reply(request, whatsapp, bad.getMessage());
        }
        if (failure instanceof FlashUnavailableException) {
            // the class only: a client's message may quote the request or Flash's answer
            Log.warnf("%s for %s: Flash unavailable (%s)", what, request.userRef(), failure.getClass().getSimpleName());
            return conversation.reply(request, whatsapp, FLASH_DOWN);
        }
        Log.warnf("%s for %s failed: %s", what, request.userRef(), failure.toString());
        return conversation.reply(request, whatsapp, "Sorry, that didn't work. Please try again in a minute.");
    }
}
