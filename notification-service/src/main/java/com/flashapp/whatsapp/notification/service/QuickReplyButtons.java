package com.flashapp.whatsapp.notification.service;

import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.notification.OutboundRecord;
import com.flashapp.whatsapp.notification.client.TwilioContent;
import com.flashapp.whatsapp.notification.config.NotificationConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Quick replies as real WhatsApp buttons: a message's quick replies become a session Content template
 * ({@code twilio/quick-reply} for up to 3, {@code twilio/list-picker} for 4 to 10), created through Twilio's Content
 * API once per distinct button set and kept in PostgreSQL ({@code quick_reply_content}) and in memory. The template's
 * body is the variable {@code {{1}}}: the message's text goes in {@code ContentVariables}.
 */
@ApplicationScoped
public class QuickReplyButtons {

    /** WhatsApp's limits: 3 buttons in session without approval, 20 characters a button, 24 a list item. */
    static final int MAX_BUTTONS = 3;
    static final int MAX_BUTTON_TITLE = 20;
    static final int MAX_LIST_ITEMS = 10;
    static final int MAX_LIST_ITEM = 24;
    static final int MAX_ID = 200;
    /** A quick-reply or list-picker body: at most 1,024 characters. */
    static final int MAX_BODY = 1024;

    private final TwilioContent twilio;
    private final Pool pool;
    private final NotificationConfig.Buttons config;
    /** ContentSids by set key, and creations in flight (one per set, even when many messages need it at once). */
    private final Map<String, Uni<String>> cache = new ConcurrentHashMap<>();

    public QuickReplyButtons(TwilioContent twilio, Pool pool, NotificationConfig config) {
        this.twilio = twilio;
        this.pool = pool;
        this.config = config.buttons();
    }

    /**
     * The template type this message's quick replies can go out as, or null (numbered text): buttons off, no
     * quick replies, media (a session template carries no media here), a body WhatsApp would refuse, or
     * options beyond WhatsApp's limits.
     */
    public TwilioContent.Type typeFor(OutboundRecord m) {
        var replies = m.quickReplies();
        if (!config.enabled() || replies == null || replies.isEmpty()
                || (m.mediaUrls() != null && !m.mediaUrls().isEmpty())
                || m.body() == null || m.body().isBlank() || m.body().length() > MAX_BODY) {
            return null;
        }
        if (replies.stream().anyMatch(q -> q.payload() == null || q.payload().isBlank()
                || q.payload().length() > MAX_ID || q.title() == null || q.title().isBlank())
                || replies.stream().map(QuickReply::payload).distinct().count() < replies.size()) {
            return null;
        }
        if (replies.size() <= MAX_BUTTONS
                && replies.stream().allMatch(q -> q.title().length() <= MAX_BUTTON_TITLE)) {
            return TwilioContent.Type.QUICK_REPLY;
        }
        if (replies.size() <= MAX_LIST_ITEMS && replies.stream().allMatch(q -> q.title().length() <= MAX_LIST_ITEM)) {
            return TwilioContent.Type.LIST_PICKER;
        }
        return null;
    }

    /**
     * The ContentSid for this button set: from memory, else from PostgreSQL, else created through Twilio (on
     * {@code blocking}: twilio-java blocks) and stored. Fails when Twilio does not create it; the caller sends
     * numbered text instead. Nothing failed is cached: the next message with these buttons tries again.
     */
    public Uni<String> contentSid(TwilioContent.Type type, List<QuickReply> replies, String sampleBody,
                                  Executor blocking) {
        var key = key(type, replies);
        return cache.computeIfAbsent(key, k -> lookUpOrCreate(k, type, replies, sampleBody, blocking)
                .onFailure().invoke(e -> cache.remove(k))
                .memoize().indefinitely());
    }

    /** Twilio refused a send with this template (e.g. it was deleted): the next message creates a new one. */
    public Uni<Void> forget(TwilioContent.Type type, List<QuickReply> replies) {
        var key = key(type, replies);
        cache.remove(key);
        return pool.preparedQuery("delete from quick_reply_content where set_key = $1").execute(Tuple.of(key))
                .replaceWithVoid();
    }

    private Uni<String> lookUpOrCreate(String key, TwilioContent.Type type, List<QuickReply> replies,
                                       String sampleBody, Executor blocking) {
        return pool.preparedQuery("select content_sid from quick_reply_content where set_key = $1")
                .execute(Tuple.of(key))
                .flatMap(rows -> {
                    if (rows.size() > 0) {
                        return Uni.createFrom().item(rows.iterator().next().getString("content_sid"));
                    }
                    return Uni.createFrom().item(() -> twilio.create(type, replies, "flash_buttons_" + key.substring(0,
                                    16), config.language(), config.listButton(), sampleBody))
                            .runSubscriptionOn(blocking)
                            .invoke(sid -> Log.infof("Created %s content %s for a button set of %d", type, sid,
                                    replies.size()))
                            // another replica may have created one meanwhile: the first stored wins, both work
                            .flatMap(sid -> pool.preparedQuery("insert into quick_reply_content (set_key, content_sid) "
                                            + "values ($1, $2) on conflict (set_key) do update set set_key = "
                                            + "excluded.set_key returning content_sid")
                                    .execute(Tuple.of(key, sid))
                                    .map(stored -> stored.iterator().next().getString("content_sid")));
                });
    }

    /** SHA-256 over the type and each button's id and title, in order (the order is what the user sees). */
    static String key(TwilioContent.Type type, List<QuickReply> replies) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(type.name().getBytes(StandardCharsets.UTF_8));
            for (var q : replies) {
                digest.update((byte) 0);
                digest.update(q.payload().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 1);
                digest.update(q.title().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
