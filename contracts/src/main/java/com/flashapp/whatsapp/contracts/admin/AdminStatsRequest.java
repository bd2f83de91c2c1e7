package com.flashapp.whatsapp.contracts.admin;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * A verified admin asked {@code admin stats}: the receiving service answers {@code whatsapp} (the admin) with its
 * own part of the report over {@code period} ({@code day} or {@code week}) — notification-service the delivery
 * rate, ai-support-service the AI fallback rate. On {@code notification.requests} and {@code support.requests},
 * routing key {@code admin.stats}.
 */
public record AdminStatsRequest(Envelope envelope, String whatsapp, String period) implements ContractMessage {
}
