package com.flashapp.whatsapp.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One WhatsApp user talking to the bot through the sandbox: what they type goes out as a signed Twilio webhook to
 * the gateway; what the bot answers is read back from the sandbox's Twilio simulator, i.e. after it went through
 * command-service, the owning service, notification-service and a Twilio API call.
 */
final class Chat {

    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(45);
    private static final ObjectMapper JSON = Sandbox.JSON;

    /**
     * A message the bot sent, as the Twilio simulator recorded it; {@code buttons}: the actions of the Content
     * template it was sent with (empty without one), what the user can tap.
     */
    record Sent(String body, List<String> mediaUrls, String contentSid, String status, List<Button> buttons) {
        String text() {
            return body == null ? "" : body;
        }

        /** The button titled {@code title}; fails when the message has none such. */
        Button button(String title) {
            return buttons.stream().filter(b -> b.title().equals(title)).findFirst().orElseThrow(() ->
                    new AssertionError("no button \"" + title + "\" on " + contentSid + ": " + buttons + " / " + body));
        }
    }

    /** A quick-reply button or list item of a Content template: {@code id} comes back as ButtonPayload. */
    record Button(String id, String title) {
    }

    /**
     * The gateway's per-sender limit (gateway-service's {@code gateway.rate-limit.burst} 10 and {@code per-minute}
     * 30, a token bucket): a scripted user types faster than anyone, so each chat keeps to it — one token below
     * the burst, for clock slack — instead of being told "You're sending messages faster than I can keep up".
     */
    static final int RATE_BURST = 10;
    static final double RATE_PER_SECOND = 30 / 60.0;

    private final Sandbox sandbox;
    private final String phone;
    private int seen;
    private double tokens = RATE_BURST - 1;
    private long refilledAt = System.nanoTime();

    Chat(Sandbox sandbox, String phone) {
        this.sandbox = sandbox;
        this.phone = phone;
    }

    String phone() {
        return phone;
    }

    /** Types {@code text}; the gateway must accept the webhook (200). */
    void say(String text) throws Exception {
        var body = JSON.createObjectNode().put("from", phone).put("body", text);
        var answer = post(body);
        var gateway = answer.path("gatewayStatus").asText();
        if (!gateway.equals("200")) {
            throw new AssertionError("gateway answered " + gateway + " to \"" + text + "\"");
        }
    }

    /**
     * Sends a voice note saying {@code words} ({@code seconds} long, or the sandbox's default for the words); the
     * gateway must accept the webhook. Returns the note's Twilio media URL.
     */
    String speak(String words, Double seconds) throws Exception {
        var body = JSON.createObjectNode().put("from", phone).put("voice", words);
        if (seconds != null) {
            body.put("voiceSeconds", seconds);
        }
        var answer = post(body);
        var gateway = answer.path("gatewayStatus").asText();
        if (!gateway.equals("200")) {
            throw new AssertionError("gateway answered " + gateway + " to a voice note \"" + words + "\"");
        }
        return answer.path("mediaUrl").asText();
    }

    /**
     * Taps {@code button} of a message, as the sandbox's chat page does: the webhook carries ButtonPayload = its id,
     * and Body = ButtonText = its title; the gateway must accept it.
     */
    void tap(Button button) throws Exception {
        var body = JSON.createObjectNode().put("from", phone).put("body", button.title())
                .put("buttonPayload", button.id()).put("buttonText", button.title());
        var answer = post(body);
        var gateway = answer.path("gatewayStatus").asText();
        if (!gateway.equals("200")) {
            throw new AssertionError("gateway answered " + gateway + " to a tap on " + button);
        }
    }

    /** Shares a contact card (WhatsApp's vCard media) of {@code name} with {@code number}; the gateway must accept it. */
    void shareContact(String name, String number) throws Exception {
        var body = JSON.createObjectNode().put("from", phone);
        body.putObject("contact").put("name", name).put("phone", number);
        var answer = post(body);
        var gateway = answer.path("gatewayStatus").asText();
        if (!gateway.equals("200")) {
            throw new AssertionError("gateway answered " + gateway + " to a contact card of " + name);
        }
    }

    /** The user's message to the sandbox's WhatsApp, once the gateway's rate limit has a token for it. */
    private com.fasterxml.jackson.databind.JsonNode post(com.fasterxml.jackson.databind.node.ObjectNode body)
            throws Exception {
        var now = System.nanoTime();
        tokens = Math.min(RATE_BURST - 1, tokens + (now - refilledAt) / 1e9 * RATE_PER_SECOND);
        refilledAt = now;
        if (tokens < 1) {
            var wait = (long) Math.ceil((1 - tokens) / RATE_PER_SECOND * 1000);
            Thread.sleep(wait); // at most 2 s: the time the gateway's bucket takes to hold one more token
            tokens = 1;
            refilledAt = System.nanoTime();
        }
        tokens -= 1;
        return sandbox.post("/sandbox/whatsapp/messages", body.toString());
    }

    /** Waits for the next bot message (after those already read) that matches; earlier non-matching ones are skipped. */
    Sent expect(String what, Predicate<Sent> matches) throws Exception {
        var deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        var skipped = new ArrayList<String>();
        while (System.nanoTime() < deadline) {
            var all = sentToUser();
            while (seen < all.size()) {
                var message = all.get(seen++);
                if (matches.test(message)) {
                    return message;
                }
                skipped.add(message.text());
            }
            Thread.sleep(200);
        }
        throw new AssertionError(phone + ": no message " + what + " within " + ANSWER_TIMEOUT.toSeconds()
                + " s; the bot sent meanwhile: " + skipped);
    }

    /** Waits for the very next bot message (after those already read), which must match: nothing else came first. */
    Sent expectNext(String what, Predicate<Sent> matches) throws Exception {
        var deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            var all = sentToUser();
            if (seen < all.size()) {
                var message = all.get(seen++);
                if (!matches.test(message)) {
                    throw new AssertionError(phone + ": the next message was not " + what + " but: " + message.text());
                }
                return message;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(phone + ": no message " + what + " within " + ANSWER_TIMEOUT.toSeconds() + " s");
    }

    /**
     * Waits for a bot message that matches, {@code anywhere} among all sent so far (not only after those already
     * read), for messages whose order against others is not fixed (two services answering one step). Moves nothing.
     */
    Sent expect(String what, Predicate<Sent> matches, boolean anywhere) throws Exception {
        if (!anywhere) {
            return expect(what, matches);
        }
        var deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (var message : sentToUser()) {
                if (matches.test(message)) {
                    return message;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(phone + ": no message " + what + " within " + ANSWER_TIMEOUT.toSeconds() + " s");
    }

    /** Waits for the next bot message containing all of {@code words} (case-insensitive). */
    Sent expectContaining(String... words) throws Exception {
        return expect("containing " + List.of(words), m -> {
            var text = m.text().toLowerCase();
            for (var word : words) {
                if (!text.contains(word.toLowerCase())) {
                    return false;
                }
            }
            return true;
        });
    }

    /** Everything the bot sent this user so far, oldest first. */
    List<Sent> sentToUser() throws Exception {
        var to = URLEncoder.encode("whatsapp:" + phone, StandardCharsets.UTF_8);
        var list = sandbox.get("/sandbox/twilio/messages?to=" + to);
        var out = new ArrayList<Sent>();
        for (var m : list) {
            var media = new ArrayList<String>();
            m.path("mediaUrl").forEach(u -> media.add(u.asText()));
            var buttons = new ArrayList<Button>();
            m.path("content").path("actions").forEach(a -> buttons.add(new Button(a.path("id").asText(),
                    a.path("title").asText())));
            out.add(new Sent(m.path("body").isNull() ? null : m.path("body").asText(), media,
                    m.path("contentSid").isNull() ? null : m.path("contentSid").asText(), m.path("status").asText(),
                    buttons));
        }
        return out;
    }

    /** Marks every message the bot has sent so far as read, so {@link #expect} only sees newer ones. */
    void skipAll() throws Exception {
        seen = sentToUser().size();
    }

    /** Both directions of the conversation, as the sandbox's chat page shows them, for reading after a failure. */
    void writeTranscript(java.nio.file.Path dir) throws Exception {
        var conversation = sandbox.get("/sandbox/whatsapp/conversation?phone=" + URLEncoder.encode(phone,
                StandardCharsets.UTF_8));
        java.nio.file.Files.writeString(dir.resolve("conversation-" + phone.replace("+", "") + ".json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(conversation));
    }
}
