package com.flashapp.whatsapp.balance.client;

/** Flash did not answer usefully (timeout, HTTP 5xx, breaker open): callers give a degraded answer. */
public class FlashUnavailableException extends RuntimeException {
    public FlashUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
