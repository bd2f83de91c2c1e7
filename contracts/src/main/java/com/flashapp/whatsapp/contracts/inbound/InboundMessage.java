package com.flashapp.whatsapp.contracts.inbound;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.time.Instant;
import java.util.List;

/**
 * A WhatsApp message a user sent, normalised by the gateway ({@code whatsapp.inbound}, {@code message.*}).
 *
 * @param messageSid          Twilio's {@code MessageSid}, also the envelope's correlation id
 * @param from                the sender's address, {@code whatsapp:+E164}
 * @param phone               the sender's number in E.164 ({@code +18765550101})
 * @param profileName         the WhatsApp profile name, if Twilio sent one
 * @param body                trimmed, NFC-normalised text (empty for media-only messages)
 * @param bodyTruncated       true when the gateway cut an over-long body
 * @param media               attached media, in order
 * @param buttonPayload       the quick-reply payload when a button was tapped
 * @param buttonText          the quick-reply label when a button was tapped
 * @param location            a shared location, if any
 * @param repliedToMessageSid the message this one replies to ({@code OriginalRepliedMessageSid}), if any
 * @param receivedAt          when the gateway accepted the webhook
 * @param to                  our WhatsApp number the user wrote to ({@code To}, {@code whatsapp:+E164}), if valid:
 *                            replies go out from it (the 24-hour window is per business number)
 */
public record InboundMessage(
        Envelope envelope,
        String messageSid,
        String from,
        String phone,
        String profileName,
        String body,
        boolean bodyTruncated,
        List<Media> media,
        String buttonPayload,
        String buttonText,
        Location location,
        String repliedToMessageSid,
        Instant receivedAt,
        String to) implements ContractMessage {

    public InboundMessage {
        media = media == null ? List.of() : List.copyOf(media);
    }

    /** A message whose business number is not known (a voice note's transcript, tests). */
    public InboundMessage(Envelope envelope, String messageSid, String from, String phone, String profileName,
                          String body, boolean bodyTruncated, List<Media> media, String buttonPayload,
                          String buttonText, Location location, String repliedToMessageSid, Instant receivedAt) {
        this(envelope, messageSid, from, phone, profileName, body, bodyTruncated, media, buttonPayload, buttonText,
                location, repliedToMessageSid, receivedAt, null);
    }

    /** One media attachment ({@code MediaUrlN}, {@code MediaContentTypeN}). */
    public record Media(String contentType, String url) {
    }

    /** A shared location ({@code Latitude}, {@code Longitude}, {@code Address}, {@code Label}). */
    public record Location(double latitude, double longitude, String address, String label) {
    }
}
