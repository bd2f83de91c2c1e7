package com.flashapp.whatsapp.notification.client;

import com.flashapp.whatsapp.contracts.QuickReply;
import com.twilio.exception.ApiConnectionException;
import com.twilio.exception.ApiException;
import com.twilio.rest.content.v1.Content;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Twilio's Content API (twilio-java {@code Content.creator}): creates the session template a set of quick replies
 * goes out as. The body is the variable {@code {{1}}}, so one template serves every body with those buttons (the
 * "no variable at the start or end" rule is WhatsApp's approval rule; session templates are never submitted).
 * Blocking: callers run it on a worker thread.
 */
@ApplicationScoped
public class TwilioContent {

    /** The body variable: the message's text goes in as {@code ContentVariables {"1": body}}. */
    public static final String BODY_VARIABLE = "1";
    private static final String BODY = "{{" + BODY_VARIABLE + "}}";

    /** The two session types this service creates. */
    public enum Type { QUICK_REPLY, LIST_PICKER }

    /** Twilio did not create the template (an error answer, or it could not be reached). */
    public static class ContentCreationException extends RuntimeException {
        ContentCreationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final TwilioMessages messages;

    public TwilioContent(TwilioMessages messages) {
        this.messages = messages;
    }

    /**
     * Creates a {@code twilio/quick-reply} (titles as buttons) or {@code twilio/list-picker} (titles as items, opened
     * by {@code listButton}) template; returns its ContentSid ({@code HX…}). Each quick reply's payload is the
     * action's or item's {@code id}, what comes back as {@code ButtonPayload} when tapped. Blocking.
     */
    public String create(Type type, List<QuickReply> replies, String friendlyName, String language, String listButton,
                         String sampleBody) {
        var types = new Content.Types.Builder();
        if (type == Type.QUICK_REPLY) {
            var actions = replies.stream().map(q -> new Content.QuickReplyAction.Builder(q.title())
                    .type(Content.QuickReplyActionType.QUICK_REPLY).id(q.payload()).build()).toList();
            types.twilioQuickReply(new Content.TwilioQuickReply.Builder(BODY, actions).build());
        } else {
            var items = replies.stream().map(q -> new Content.ListItem.Builder(q.payload(), q.title()).build())
                    .toList();
            types.twilioListPicker(new Content.TwilioListPicker.Builder(BODY, listButton, items).build());
        }
        var request = Content.ContentCreateRequest.builder(language, types.build())
                .friendlyName(friendlyName)
                .variables(Map.of(BODY_VARIABLE, sampleBody))
                .build();
        try {
            return Content.creator(request).create(messages.restClient()).getSid();
        } catch (ApiException | ApiConnectionException | UncheckedIOException e) {
            throw new ContentCreationException("Twilio did not create the content template: " + e.getMessage(), e);
        }
    }
}
