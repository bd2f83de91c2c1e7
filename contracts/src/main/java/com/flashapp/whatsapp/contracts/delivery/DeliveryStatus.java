package com.flashapp.whatsapp.contracts.delivery;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

import java.time.Instant;

/** A Twilio status callback ({@code whatsapp.delivery}, {@code status.<status>}) for a message we sent. */
public record DeliveryStatus(
        Envelope envelope,
        String messageSid,
        String status,
        String to,
        String errorCode,
        String errorMessage,
        Instant reportedAt) implements ContractMessage {
}
