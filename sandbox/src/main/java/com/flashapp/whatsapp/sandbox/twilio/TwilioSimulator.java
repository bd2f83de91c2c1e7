package com.flashapp.whatsapp.sandbox.twilio;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.flashapp.whatsapp.sandbox.config.SandboxConfig;
import com.flashapp.whatsapp.sandbox.fault.Faults;
import com.flashapp.whatsapp.sandbox.voice.OggOpus;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The simulated Twilio WhatsApp channel: outbound sends with validation, signed status callbacks and the 24-hour
 * window, and inbound user messages delivered to the gateway's webhook as Twilio would.
 */
@ApplicationScoped
public class TwilioSimulator {

    /** The validated fields of a Messages.json create request. */
    public record SendRequest(String to, String from, String messagingServiceSid, String body, List<String> mediaUrl,
                              String contentSid, String contentVariables, String statusCallback) {
    }

    /** A message a simulated WhatsApp user sent; gatewayStatus is "pending" until the gateway answers. */
    public static final class Inbound {
        final String sid;
        final String from;
        final String body;
        final String buttonPayload;
        final Instant dateCreated;
        final long sequence;
        volatile Object gatewayStatus = "pending";

        Inbound(String sid, String from, String body, String buttonPayload, Instant dateCreated, long sequence) {
            this.sid = sid;
            this.from = from;
            this.body = body;
            this.buttonPayload = buttonPayload;
            this.dateCreated = dateCreated;
            this.sequence = sequence;
        }
    }

    public static final DateTimeFormatter RFC_2822 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
    private static final Pattern WHATSAPP_ADDRESS = Pattern.compile("^whatsapp:\\+[1-9][0-9]{6,14}$");
    private static final Pattern PHONE = Pattern.compile("^\\+[1-9][0-9]{6,14}$");
    private static final Pattern CONTENT_SID = Pattern.compile("^HX[0-9a-fA-F]{32}$");
    private static final Pattern TWIML_MESSAGE = Pattern.compile("<Message[^>]*>(.*?)</Message>", Pattern.DOTALL);
    private static final Pattern TWIML_BODY = Pattern.compile("<Body[^>]*>(.*?)</Body>", Pattern.DOTALL);
    private static final Pattern TWIML_MEDIA = Pattern.compile("<Media[^>]*>(.*?)</Media>", Pattern.DOTALL);
    private static final int MAX_BODY = 1600;

    private final SandboxConfig config;
    private final Faults faults;
    private final ContentTemplates contents;
    private final ObjectMapper mapper;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong sequence = new AtomicLong();
    // appended to on every send: a copy-on-write list copied itself per send (O(n) each, O(n²) for a benchmark)
    private final Queue<SentMessage> sent = new ConcurrentLinkedQueue<>();
    private final Map<String, SentMessage> bySid = new ConcurrentHashMap<>();
    private final Map<String, Queue<SentMessage>> byRecipient = new ConcurrentHashMap<>();
    private final List<Inbound> inbound = new CopyOnWriteArrayList<>();
    private final Map<String, StoredMedia> media = new ConcurrentHashMap<>();
    /** Each user address → our number whose chat they are in (the last that messaged them). */
    private final Map<String, String> chats = new ConcurrentHashMap<>();
    private final Map<String, String> contentTokens = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastInbound = new ConcurrentHashMap<>();
    // Vert.x's client on the event loop, keep-alive: the JDK's client took a third of the simulator's CPU under the
    // end-to-end bench (three status callbacks per message)
    private final HttpClient http;

    public TwilioSimulator(SandboxConfig config, Faults faults, ObjectMapper mapper, ContentTemplates contents,
                           Vertx vertx) {
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
                .setMaxPoolSize(32));
        this.config = config;
        this.contents = contents;
        this.faults = faults;
        this.mapper = mapper;
    }

    // ------------------------------------------------------------------ outbound (the bot sends)

    /** Validates like Twilio; a 400 error or the queued message (callbacks are scheduled). */
    public Optional<TwilioError> validate(SendRequest request) {
        if (request.to() == null || request.to().isBlank()) {
            return Optional.of(TwilioError.of(400, 21604, "A 'To' phone number is required."));
        }
        boolean whatsappTo = request.to().startsWith("whatsapp:");
        if (whatsappTo ? !WHATSAPP_ADDRESS.matcher(request.to()).matches() : !PHONE.matcher(request.to()).matches()) {
            return Optional.of(TwilioError.of(400, 21211, "Invalid 'To' Phone Number: " + request.to()));
        }
        if ((request.from() == null || request.from().isBlank())
                && (request.messagingServiceSid() == null || request.messagingServiceSid().isBlank())) {
            return Optional.of(TwilioError.of(400, 21603, "A 'From' phone number is required."));
        }
        var from = from(request);
        if (from.startsWith("whatsapp:") != whatsappTo) {
            return Optional.of(TwilioError.of(400, 21910,
                    "Invalid From and To pair. From and To should be of the same channel"));
        }
        if (!senders().contains(from)) {
            return Optional.of(TwilioError.of(400, 63007,
                    "Twilio could not find a Channel with the specified From address"));
        }
        boolean hasBody = request.body() != null && !request.body().isEmpty();
        boolean hasMedia = request.mediaUrl() != null && !request.mediaUrl().isEmpty();
        boolean hasContent = request.contentSid() != null && !request.contentSid().isBlank();
        if (!hasBody && !hasMedia && !hasContent) {
            return Optional.of(TwilioError.of(400, 21619, "A text message body or media urls must be specified."));
        }
        if (hasBody && request.body().length() > MAX_BODY) {
            return Optional.of(TwilioError.of(400, 21617,
                    "The concatenated message body exceeds the 1600 character limit."));
        }
        if (hasContent && !CONTENT_SID.matcher(request.contentSid()).matches()) {
            return Optional.of(TwilioError.of(400, 21655, "The ContentSid is Invalid."));
        }
        if (hasContent && hasBody && request.contentVariables() != null && !request.contentVariables().isBlank()) {
            return Optional.of(TwilioError.of(400, 35127,
                    "'Messages' Body and 'ContentVariables' cannot be provided together"));
        }
        if (request.contentVariables() != null && !request.contentVariables().isBlank()) {
            try {
                if (!mapper.readTree(request.contentVariables()).isObject()) {
                    return Optional.of(TwilioError.of(400, 21656, "The ContentVariables Parameter is invalid."));
                }
            } catch (Exception e) {
                return Optional.of(TwilioError.of(400, 21656, "The ContentVariables Parameter is invalid."));
            }
        }
        if (hasMedia) {
            for (var url : request.mediaUrl()) {
                if (!url.startsWith("http://") && !url.startsWith("https://")) {
                    return Optional.of(TwilioError.of(400, 21620, "Invalid media URL(s)."));
                }
            }
        }
        if (request.statusCallback() != null && !request.statusCallback().isBlank()
                && !request.statusCallback().matches("^https?://.+")) {
            return Optional.of(TwilioError.of(400, 21609, "Invalid StatusCallback url."));
        }
        return Optional.empty();
    }

    /**
     * Which of our numbers a simulated user writes to: the one whose chat they are in (the last that messaged them),
     * else one of our senders picked by their number (users of a business with several numbers know different
     * ones); with one sender, that one.
     */
    String businessNumber(String address) {
        var chat = chats.get(address);
        var pool = senders();
        if (chat != null && pool.contains(chat)) {
            return chat;
        }
        return pool.get(Math.floorMod(address.hashCode(), pool.size()));
    }

    /** Our WhatsApp senders: the pool ({@code whatsapp-senders}), or the one {@code whatsapp-sender}. */
    public List<String> senders() {
        return config.twilio().whatsappSenders().filter(list -> !list.isEmpty())
                .orElse(List.of(config.twilio().whatsappSender()));
    }

    /**
     * The sender a send goes out from: its {@code From}, or for a Messaging Service one of our senders, always the
     * same one for a recipient (Twilio's sticky sender).
     */
    public String from(SendRequest request) {
        if (request.from() != null && !request.from().isBlank()) {
            return request.from();
        }
        var pool = senders();
        return pool.get(Math.floorMod(request.to() == null ? 0 : request.to().hashCode(), pool.size()));
    }

    /** Records a valid send and starts its status progression; returns the message resource. */
    public SentMessage accept(SendRequest request) {
        var message = new SentMessage(sid("SM"), from(request), request.to(), request.body(),
                request.mediaUrl() == null ? List.of() : List.copyOf(request.mediaUrl()), blankToNull(request.contentSid()),
                blankToNull(request.contentVariables()), blankToNull(request.statusCallback()), Instant.now(),
                sequence.incrementAndGet());
        if (message.to != null) {
            chats.put(message.to, message.from); // the user's chat is now with that number: their reply goes to it
        }
        record(message);
        progress(message);
        return message;
    }

    private void progress(SentMessage message) {
        // a ContentSid we did not create stands for an approved template; one created here (buttons, a list) is
        // session content, which WhatsApp refuses outside the window like free-form text
        boolean template = message.contentSid != null && contents.find(message.contentSid).isEmpty();
        var windowOpen = Optional.ofNullable(lastInbound.get(message.to))
                .map(at -> at.plus(config.twilio().serviceWindow()).isAfter(Instant.now()))
                .orElse(false);
        List<String> steps = template || windowOpen ? List.of("sent", "delivered", "read") : List.of("undelivered");
        boolean drop = faults.twilio().failure().filter("drop"::equals).isPresent();
        long extra = faults.twilio().latencyMs();
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (var status : steps) {
            chain = chain.onItem().delayIt().by(config.twilio().callbackInterval().plusMillis(extra))
                    .flatMap(x -> {
                        message.status = status;
                        message.dateUpdated = Instant.now();
                        if ("undelivered".equals(status)) {
                            message.errorCode = 63016;
                        }
                        return drop ? Uni.createFrom().voidItem() : callback(message);
                    });
        }
        chain.subscribe().with(x -> { }, e -> Log.warnf("Twilio sandbox: status progression failed: %s", e.getMessage()));
    }

    private Uni<Void> callback(SentMessage message) {
        if (message.statusCallback == null) {
            return Uni.createFrom().voidItem();
        }
        var params = new LinkedHashMap<String, String>();
        params.put("MessageSid", message.sid);
        params.put("SmsSid", message.sid);
        params.put("MessageStatus", message.status);
        params.put("SmsStatus", message.status);
        params.put("AccountSid", config.twilio().accountSid());
        params.put("From", message.from);
        params.put("To", message.to);
        params.put("ApiVersion", "2010-04-01");
        params.put("ChannelPrefix", "whatsapp");
        params.put("ChannelInstallSid", "XE" + HexFormat.of().formatHex(
                UUID.nameUUIDFromBytes(message.from.getBytes(StandardCharsets.UTF_8)).toString()
                        .replace("-", "").getBytes(StandardCharsets.UTF_8)).substring(0, 32));
        params.put("ChannelToAddress", message.to.replace("whatsapp:", ""));
        switch (message.status) {
            case "sent" -> params.put("StructuredMessage", "false");
            case "delivered" -> params.put("EventType", "DELIVERED");
            case "read" -> params.put("EventType", "READ");
            case "undelivered" -> {
                params.put("EventType", "UNDELIVERED");
                params.put("ErrorCode", "63016");
                params.put("ErrorMessage", "Failed to send freeform message because you are outside the allowed "
                        + "window. If you are using WhatsApp, please use a Message Template.");
            }
            default -> {
                // queued has no callback
            }
        }
        return postSigned(message.statusCallback, params, Duration.ofSeconds(15))
                .onFailure().recoverWithItem(e -> {
                    Log.warnf("Twilio sandbox: status callback for %s failed: %s", message.sid, e.getMessage());
                    return null;
                })
                .replaceWithVoid();
    }

    private void record(SentMessage message) {
        sent.add(message);
        bySid.put(message.sid, message);
        byRecipient.computeIfAbsent(message.to, k -> new ConcurrentLinkedQueue<>()).add(message);
    }

    public List<SentMessage> sentTo(String to) {
        if (to != null) {
            var mine = byRecipient.get(to);
            return mine == null ? List.of() : List.copyOf(mine);
        }
        return List.copyOf(sent);
    }

    public Optional<SentMessage> find(String sid) {
        return Optional.ofNullable(bySid.get(sid));
    }

    // ------------------------------------------------------------------ inbound (a user writes)

    /**
     * Opens (or renews) the 24-hour window of each user as if they had just written, without delivering a webhook:
     * for load generators that sign and send their webhooks to the gateway themselves, as Twilio would after
     * receiving the user's message.
     */
    public void openWindows(List<String> phones) {
        for (var phone : phones) {
            if (phone == null || !PHONE.matcher(phone).matches()) {
                throw new IllegalArgumentException("phones must be E.164 numbers, e.g. +18765550123: " + phone);
            }
        }
        var now = Instant.now();
        phones.forEach(phone -> lastInbound.put("whatsapp:" + phone, now));
    }

    /** A voice note's audio, held as Twilio holds inbound media until it is deleted. */
    public record StoredMedia(String messageSid, String mediaSid, String contentType, byte[] bytes) {
    }

    /** Delivers a user's message to the gateway webhook, signed; records it (opens the 24 h window). */
    public Uni<Map<String, Object>> receive(String phone, String body, String profileName, String buttonPayload,
                                           String buttonText) {
        return receive(phone, body, profileName, buttonPayload, buttonText, null);
    }

    /**
     * Delivers a voice note: an Ogg/Opus file saying {@code text} for {@code seconds}, served at a Twilio-style media
     * URL under {@code baseUrl} (HTTP Basic auth), and the webhook with {@code NumMedia=1}, {@code MessageType=audio}.
     */
    public Uni<Map<String, Object>> receiveVoice(String phone, String text, double seconds, String profileName,
                                                String baseUrl) {
        var bytes = OggOpus.encode(text, seconds);
        return receive(phone, "", profileName, null, null, new Attachment(bytes, OggOpus.CONTENT_TYPE, "audio",
                baseUrl, "🎙️ " + text));
    }

    /**
     * A user shares a contact card: a vCard 3.0 media message ({@code MediaContentType0=text/vcard}, no body),
     * fetched like a voice note from the media URL. The number is written as WhatsApp writes it, with its
     * {@code waid} (the digits with the country code).
     */
    public Uni<Map<String, Object>> receiveContact(String phone, String name, String contactPhone, String profileName,
                                                  String baseUrl) {
        return receive(phone, "", profileName, null, null, new Attachment(vcard(name, contactPhone)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), VCARD, "contacts", baseUrl, "👤 " + name));
    }

    /** The content type Twilio gives a shared WhatsApp contact. */
    public static final String VCARD = "text/vcard";

    static String vcard(String name, String phone) {
        var escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;");
        return "BEGIN:VCARD\r\nVERSION:3.0\r\nN:" + escaped + ";;;;\r\nFN:" + escaped + "\r\n"
                + "item1.TEL;waid=" + phone.substring(1) + ":" + phone + "\r\nitem1.X-ABLabel:Mobile\r\nEND:VCARD\r\n";
    }

    /** The stored media {@code mediaSid} of message {@code messageSid}, if not deleted. */
    public Optional<StoredMedia> media(String messageSid, String mediaSid) {
        return Optional.ofNullable(media.get(mediaSid)).filter(m -> m.messageSid().equals(messageSid));
    }

    /** Deletes stored media (Twilio's DELETE …/Media/{Sid}.json); false when there was none. */
    public boolean deleteMedia(String messageSid, String mediaSid) {
        return media(messageSid, mediaSid).map(m -> media.remove(mediaSid) != null).orElse(false);
    }

    /** The stored media behind a one-time content token (the storage URL a media GET redirects to). */
    public Optional<StoredMedia> mediaContent(String token) {
        return Optional.ofNullable(contentTokens.get(token)).map(media::get);
    }

    /** A fresh storage token for a media's content (Twilio redirects to short-lived pre-signed storage URLs). */
    public String contentToken(String mediaSid) {
        var token = sid("");
        contentTokens.put(token, mediaSid);
        return token;
    }

    /** Media a simulated user sends: a voice note or a contact card; {@code shown} is the chat page's text. */
    private record Attachment(byte[] bytes, String contentType, String messageType, String baseUrl, String shown) {
    }

    private Uni<Map<String, Object>> receive(String phone, String body, String profileName, String buttonPayload,
                                             String buttonText, Attachment voice) {
        if (phone == null || !PHONE.matcher(phone).matches()) {
            throw new IllegalArgumentException("from must be an E.164 phone number, e.g. +18765550123");
        }
        var address = "whatsapp:" + phone;
        var sid = sid("SM");
        var params = new LinkedHashMap<String, String>();
        params.put("MessageSid", sid);
        params.put("SmsMessageSid", sid);
        params.put("SmsSid", sid);
        params.put("AccountSid", config.twilio().accountSid());
        params.put("From", address);
        params.put("To", businessNumber(address));
        params.put("Body", body == null ? "" : body);
        params.put("NumMedia", "0");
        params.put("NumSegments", "1");
        params.put("SmsStatus", "received");
        params.put("ApiVersion", "2010-04-01");
        params.put("ProfileName", profileName == null || profileName.isBlank() ? "Sandbox User" : profileName);
        params.put("WaId", phone.substring(1));
        params.put("Forwarded", "false");
        params.put("FrequentlyForwarded", "false");
        params.put("ReferralNumMedia", "0");
        if (voice != null) {
            var mediaSid = sid("ME");
            media.put(mediaSid, new StoredMedia(sid, mediaSid, voice.contentType(), voice.bytes()));
            params.put("NumMedia", "1");
            params.put("MediaContentType0", voice.contentType());
            params.put("MediaUrl0", stripSlash(voice.baseUrl()) + "/2010-04-01/Accounts/" + config.twilio().accountSid()
                    + "/Messages/" + sid + "/Media/" + mediaSid);
            params.put("MessageType", voice.messageType());
        } else if (buttonPayload != null && !buttonPayload.isBlank()) {
            params.put("MessageType", "button");
            params.put("ButtonPayload", buttonPayload);
            params.put("ButtonText", buttonText == null ? (body == null ? buttonPayload : body) : buttonText);
        } else {
            params.put("MessageType", "text");
        }
        var now = Instant.now();
        lastInbound.put(address, now);
        var record = new Inbound(sid, address, voice == null ? body : voice.shown(), buttonPayload, now,
                sequence.incrementAndGet());
        inbound.add(record);
        var url = config.gateway().webhookUrl();
        return postSigned(url, params, config.gateway().webhookTimeout())
                .map(response -> {
                    twimlReplies(address, response.body());
                    return (Object) response.statusCode();
                })
                .onFailure().recoverWithItem(e -> "unreachable: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()) + " (" + url + ")")
                .map(gatewayStatus -> {
                    record.gatewayStatus = gatewayStatus;
                    var result = new LinkedHashMap<String, Object>();
                    result.put("messageSid", sid);
                    result.put("gatewayStatus", gatewayStatus);
                    if (voice != null) {
                        result.put("mediaUrl", params.get("MediaUrl0")); // tests check that the product deleted it
                    }
                    return result;
                });
    }

    /** Twilio sends the <Message>s of a synchronous TwiML answer to the user. */
    private void twimlReplies(String to, String twiml) {
        if (twiml == null || !twiml.contains("<Response")) {
            return;
        }
        Matcher messages = TWIML_MESSAGE.matcher(twiml);
        while (messages.find()) {
            var content = messages.group(1);
            var bodyMatcher = TWIML_BODY.matcher(content);
            var media = new ArrayList<String>();
            var mediaMatcher = TWIML_MEDIA.matcher(content);
            while (mediaMatcher.find()) {
                media.add(unescape(mediaMatcher.group(1).trim()));
            }
            String text = bodyMatcher.find() ? bodyMatcher.group(1) : content.contains("<") ? "" : content;
            var message = new SentMessage(sid("SM"), config.twilio().whatsappSender(), to, unescape(text.trim()),
                    media, null, null, null, Instant.now(), sequence.incrementAndGet());
            record(message);
            progress(message);
        }
    }

    private static String unescape(String xml) {
        return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    /** The conversation of one user, both directions, oldest first (for the chat page). */
    public List<Map<String, Object>> conversation(String phone) {
        var address = phone.startsWith("whatsapp:") ? phone : "whatsapp:" + phone;
        var in = inbound.stream().filter(m -> m.from.equals(address)).map(m -> {
            var view = new LinkedHashMap<String, Object>();
            view.put("direction", "inbound");
            view.put("sequence", m.sequence);
            view.put("sid", m.sid);
            view.put("body", m.body);
            view.put("buttonPayload", m.buttonPayload);
            view.put("gatewayStatus", m.gatewayStatus);
            view.put("dateCreated", m.dateCreated.toString());
            return (Map<String, Object>) view;
        });
        var out = sentTo(address).stream().map(m -> {
            var view = withContent(view(m), m);
            view.put("direction", "outbound");
            view.put("sequence", m.sequence);
            return view;
        });
        return Stream.concat(in, out)
                .sorted(Comparator.comparingLong(v -> (Long) v.get("sequence")))
                .collect(Collectors.toList());
    }

    /**
     * A sent message's view with its created Content template, when it used one: {@code content} = {@code {type,
     * body (variables filled in), button (list picker), actions: [{id, title, description}]}} — what the chat page
     * shows as buttons or a list.
     */
    public Map<String, Object> withContent(Map<String, Object> view, SentMessage m) {
        contents.find(m.contentSid).ifPresent(t -> {
            var content = new LinkedHashMap<String, Object>();
            content.put("type", t.type());
            content.put("body", t.render(m.contentVariables, mapper));
            content.put("button", t.listButton());
            content.put("actions", t.actions());
            view.put("content", content);
            if (m.body == null) {
                // like Twilio's Message resource, the text the user got (pollers read body)
                view.put("body", content.get("body"));
            }
        });
        return view;
    }

    /** The pinned list view of a sent message. */
    public static Map<String, Object> view(SentMessage m) {
        var view = new LinkedHashMap<String, Object>();
        view.put("sid", m.sid);
        view.put("from", m.from);
        view.put("to", m.to);
        view.put("body", m.body);
        view.put("mediaUrl", m.mediaUrl);
        view.put("contentSid", m.contentSid);
        view.put("contentVariables", m.contentVariables);
        view.put("status", m.status);
        view.put("errorCode", m.errorCode);
        view.put("dateCreated", m.dateCreated.toString());
        return view;
    }

    /** Twilio's JSON Message resource. */
    public Map<String, Object> resource(SentMessage m) {
        var view = new LinkedHashMap<String, Object>();
        var uri = "/2010-04-01/Accounts/" + config.twilio().accountSid() + "/Messages/" + m.sid;
        view.put("account_sid", config.twilio().accountSid());
        view.put("api_version", "2010-04-01");
        view.put("body", m.body == null ? "" : m.body);
        view.put("date_created", RFC_2822.format(m.dateCreated));
        view.put("date_sent", null);
        view.put("date_updated", RFC_2822.format(m.dateUpdated));
        view.put("direction", "outbound-api");
        view.put("error_code", m.errorCode);
        view.put("error_message", null);
        view.put("from", m.from);
        view.put("messaging_service_sid", null);
        view.put("num_media", String.valueOf(m.mediaUrl.size()));
        view.put("num_segments", "1");
        view.put("price", null);
        view.put("price_unit", "USD");
        view.put("sid", m.sid);
        view.put("status", m.status);
        view.put("subresource_uris", Map.of("media", uri + "/Media.json"));
        view.put("to", m.to);
        view.put("uri", uri + ".json");
        return view;
    }

    // ------------------------------------------------------------------ HTTP

    /** What the product answered a webhook: its status and body. */
    private record Posted(int statusCode, String body) {
    }

    private Uni<Posted> postSigned(String url, Map<String, String> params, Duration timeout) {
        return Uni.createFrom().deferred(() -> {
            var form = params.entrySet().stream()
                    .map(TwilioSimulator::encode)
                    .collect(Collectors.joining("&"));
            var request = new RequestOptions().setAbsoluteURI(url).setMethod(HttpMethod.POST)
                    .setTimeout(timeout.toMillis())
                    .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                    .putHeader("User-Agent", "TwilioProxy/1.1")
                    .putHeader("X-Twilio-Signature", TwilioSigner.sign(config.twilio().authToken(), url, params))
                    .putHeader("I-Twilio-Idempotency-Token", UUID.randomUUID().toString());
            return http.request(request)
                    .flatMap(sending -> sending.send(form))
                    .flatMap(response -> response.body()
                            .map(body -> new Posted(response.statusCode(), body.toString(StandardCharsets.UTF_8))));
        });
    }

    private static String encode(Entry<String, String> e) {
        return URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue() == null ? "" : e.getValue(), StandardCharsets.UTF_8);
    }

    private String sid(String prefix) {
        var bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + HexFormat.of().formatHex(bytes);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
