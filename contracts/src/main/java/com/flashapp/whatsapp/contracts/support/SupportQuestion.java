package com.flashapp.whatsapp.contracts.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;

/**
 * A question for AI support ({@code support.requests}, {@code question}); also what command-service sends
 * when nothing matched.
 */
public record SupportQuestion(
        Envelope envelope,
        String whatsapp,
        String text,
        String locale,
        boolean linked) implements ContractMessage {
}
