package com.flashapp.whatsapp.gateway.mapping;

import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.delivery.DeliveryStatus;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.gateway.config.GatewayConfig;
import com.flashapp.whatsapp.gateway.rest.WebhookProblem;
import com.flashapp.whatsapp.gateway.security.UserRefHasher;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Turns Twilio's form parameters into contract records: E.164 number from {@code whatsapp:+…}, the keyed-hash
 * userRef, a trimmed NFC body (cut, and flagged, when too long), media, button, location. Unknown parameters are
 * ignored; what later services cannot do without is checked and refused with a 400.
 */
@ApplicationScoped
public class InboundMapper {

    static final Pattern WHATSAPP_ADDRESS = Pattern.compile("whatsapp:(\\+[1-9][0-9]{6,14})");
    static final Pattern SID = Pattern.compile("[A-Za-z0-9]{10,64}");
    static final Pattern STATUS = Pattern.compile("[a-z_]{1,32}");
    static final Pattern ERROR_CODE = Pattern.compile("[0-9]{1,10}");
    static final Pattern CONTENT_TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}");
    static final int MAX_MEDIA = 10;
    static final int MAX_URL = 2048;

    private final UserRefHasher hasher;
    private final GatewayConfig.Inbound limits;

    public InboundMapper(UserRefHasher hasher, GatewayConfig config) {
        this.hasher = hasher;
        this.limits = config.inbound();
    }

    /** The deterministic message id for a Twilio sid: a duplicate that slips through is still one message downstream. */
    public static UUID messageIdFor(String kind, String id) {
        return UUID.nameUUIDFromBytes((kind + ":" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** A validated, normalised inbound message; throws {@link WebhookProblem} (400) for what cannot be used. */
    public InboundMessage toInbound(Map<String, String> p, Instant receivedAt) {
        var sid = p.get("MessageSid");
        if (sid == null || sid.isBlank()) {
            throw WebhookProblem.badRequest("missing-message-sid", "MessageSid is required.");
        }
        if (!SID.matcher(sid).matches()) {
            throw WebhookProblem.badRequest("invalid-message-sid", "MessageSid is not a Twilio id.");
        }
        var from = p.get("From");
        if (from == null || from.isBlank()) {
            throw WebhookProblem.badRequest("missing-from", "From is required.");
        }
        var address = WHATSAPP_ADDRESS.matcher(from.strip());
        if (!address.matches()) {
            throw WebhookProblem.badRequest("invalid-from", "From must be a WhatsApp address (whatsapp:+E.164).");
        }
        var phone = address.group(1);

        var rawBody = Text.clean(p.getOrDefault("Body", ""));
        var body = Text.cut(rawBody, limits.maxBodyChars());
        var truncated = body.length() != rawBody.length();

        var media = media(p);
        var location = location(p);
        var buttonPayload = Text.field(firstPresent(p, "ButtonPayload", "ListId", "ListItemId"), limits.maxFieldChars());
        var buttonText = Text.field(firstPresent(p, "ButtonText", "ListTitle"), limits.maxFieldChars());
        var replied = p.get("OriginalRepliedMessageSid");
        if (replied != null && !SID.matcher(replied).matches()) {
            replied = null; // optional context: a malformed value is dropped rather than the message refused
        }
        // our number the user wrote to: replies go out from it; optional, dropped when malformed
        var to = p.get("To") == null ? null : p.get("To").strip();
        if (to != null && !WHATSAPP_ADDRESS.matcher(to).matches()) {
            to = null;
        }

        String type;
        if (location != null) {
            type = RoutingKeys.Inbound.LOCATION;
        } else if (buttonPayload != null) {
            type = RoutingKeys.Inbound.BUTTON;
        } else if (!media.isEmpty()) {
            type = RoutingKeys.Inbound.MEDIA;
        } else {
            type = RoutingKeys.Inbound.TEXT;
        }
        var userRef = hasher.userRef(phone);
        var envelope = new Envelope(messageIdFor("message", sid), sid, receivedAt, userRef, type);
        return new InboundMessage(envelope, sid, "whatsapp:" + phone, phone,
                Text.field(p.get("ProfileName"), limits.maxFieldChars()), body, truncated, media,
                buttonPayload, buttonText, location, replied, receivedAt, to);
    }

    /** A validated status callback; throws {@link WebhookProblem} (400) for what cannot be used. */
    public DeliveryStatus toDeliveryStatus(Map<String, String> p, Instant receivedAt) {
        var sid = p.get("MessageSid");
        if (sid == null || sid.isBlank()) {
            throw WebhookProblem.badRequest("missing-message-sid", "MessageSid is required.");
        }
        if (!SID.matcher(sid).matches()) {
            throw WebhookProblem.badRequest("invalid-message-sid", "MessageSid is not a Twilio id.");
        }
        var status = p.get("MessageStatus");
        if (status == null || status.isBlank()) {
            throw WebhookProblem.badRequest("missing-message-status", "MessageStatus is required.");
        }
        if (!STATUS.matcher(status).matches()) {
            throw WebhookProblem.badRequest("invalid-message-status", "MessageStatus is not a Twilio status.");
        }
        String to = null;
        String userRef = null;
        var rawTo = p.get("To");
        if (rawTo != null) {
            var address = WHATSAPP_ADDRESS.matcher(rawTo.strip());
            if (address.matches()) {
                to = "whatsapp:" + address.group(1);
                userRef = hasher.userRef(address.group(1));
            }
        }
        var errorCode = p.get("ErrorCode");
        if (errorCode != null && !ERROR_CODE.matcher(errorCode.strip()).matches()) {
            errorCode = null;
        }
        var errorMessage = Text.field(p.get("ErrorMessage"), limits.maxFieldChars());
        var type = RoutingKeys.Delivery.forStatus(status);
        var envelope = new Envelope(messageIdFor("status", sid + ":" + status), sid, receivedAt, userRef, type);
        return new DeliveryStatus(envelope, sid, status, to, errorCode == null ? null : errorCode.strip(), errorMessage, receivedAt);
    }

    private static String firstPresent(Map<String, String> p, String... names) {
        for (var name : names) {
            var value = p.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static java.util.List<InboundMessage.Media> media(Map<String, String> p) {
        var num = p.get("NumMedia");
        if (num == null || num.isBlank()) {
            return java.util.List.of();
        }
        int count;
        try {
            count = Integer.parseInt(num.strip());
        } catch (NumberFormatException e) {
            throw WebhookProblem.badRequest("invalid-num-media", "NumMedia must be a number from 0 to 10.");
        }
        if (count < 0 || count > MAX_MEDIA) {
            throw WebhookProblem.badRequest("invalid-num-media", "NumMedia must be a number from 0 to 10.");
        }
        var media = new ArrayList<InboundMessage.Media>(count);
        for (int i = 0; i < count; i++) {
            var url = p.get("MediaUrl" + i);
            if (url == null || url.length() > MAX_URL || !isHttpUrl(url)) {
                throw WebhookProblem.badRequest("invalid-media-url", "MediaUrl" + i + " must be an http(s) URL.");
            }
            var contentType = p.get("MediaContentType" + i);
            if (contentType == null || !CONTENT_TYPE.matcher(contentType).matches()) {
                contentType = "application/octet-stream"; // Twilio always sends one; don't lose the media over it
            }
            media.add(new InboundMessage.Media(contentType.toLowerCase(), url));
        }
        return media;
    }

    private static boolean isHttpUrl(String url) {
        try {
            var uri = new URI(url);
            return ("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    private InboundMessage.Location location(Map<String, String> p) {
        var lat = p.get("Latitude");
        var lon = p.get("Longitude");
        if ((lat == null || lat.isBlank()) && (lon == null || lon.isBlank())) {
            return null;
        }
        double latitude;
        double longitude;
        try {
            latitude = Double.parseDouble(lat.strip());
            longitude = Double.parseDouble(lon.strip());
        } catch (NumberFormatException | NullPointerException e) {
            throw WebhookProblem.badRequest("invalid-location", "Latitude and Longitude must both be numbers.");
        }
        if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) {
            throw WebhookProblem.badRequest("invalid-location", "Latitude and Longitude are out of range.");
        }
        return new InboundMessage.Location(latitude, longitude,
                Text.field(p.get("Address"), limits.maxFieldChars()), Text.field(p.get("Label"), limits.maxFieldChars()));
    }
}
