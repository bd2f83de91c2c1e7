package com.flashapp.whatsapp.contracts.user;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * A user confirmed "delete my data" ({@code user.lifecycle}, {@code user.erasure-requested}, published by
 * command-service): every service deletes its rows and keys of {@code envelope.userRef}, and of {@code whatsapp}
 * where it stores the number (notification-service's outbox), and notification-service then tells the user it is
 * done. Carries the number because notification must act on it; nothing else does.
 */
public record UserErasureRequested(
        Envelope envelope,
        String whatsapp) implements ContractMessage {
}
