package com.flashapp.whatsapp.balance.client;

/** Flash answered with a GraphQL or payload error: an expected outcome, not an outage. */
public class FlashRejectedException extends RuntimeException {

    private final String code;

    public FlashRejectedException(String code, String message) {
        super(message);
        this.code = code;
    }

    /** Flash's error code (e.g. {@code PHONE_CODE_ERROR}); may be null. */
    public String code() {
        return code;
    }
}
