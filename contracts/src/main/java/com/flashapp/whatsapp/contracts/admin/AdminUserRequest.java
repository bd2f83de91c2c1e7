package com.flashapp.whatsapp.contracts.admin;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * A verified admin asked {@code admin user <number or username>}: the receiving service answers {@code whatsapp}
 * (the admin) with what it holds about {@code subjectUserRef}, masked (notification-service: preferences). {@code
 * subjectLabel} is the masked number or username to head the answer with. On {@code notification.requests},
 * routing key {@code admin.user}.
 */
public record AdminUserRequest(Envelope envelope, String whatsapp, String subjectUserRef, String subjectLabel)
        implements ContractMessage {
}
