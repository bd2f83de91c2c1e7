package com.flashapp.whatsapp.contracts.media;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.time.Instant;

/**
 * An image for the gateway to serve at a signed URL until {@code expiresAt} ({@code gateway.media}, {@code
 * media.store}). The producer chooses {@code mediaId} (random, at least 128 bits, URL-safe) so it can build the
 * signed URL itself and publish its {@code OutboundMessage} right after this message is confirmed; {@code
 * dataBase64} is the image (standard Base64), at most the gateway's configured size.
 */
public record MediaStoreRequest(
        Envelope envelope,
        String mediaId,
        String contentType,
        String dataBase64,
        Instant expiresAt) implements ContractMessage {
}
