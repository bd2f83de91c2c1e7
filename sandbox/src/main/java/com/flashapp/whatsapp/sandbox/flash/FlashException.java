package com.flashapp.whatsapp.sandbox.flash;

/** A top-level GraphQL error with the code Flash puts in {@code extensions.code}. */
public class FlashException extends RuntimeException {

    private final String code;

    public FlashException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public static FlashException notAuthenticated() {
        return new FlashException("NOT_AUTHENTICATED", "Not authenticated");
    }

    public static FlashException notAuthorized() {
        return new FlashException("NOT_AUTHORIZED", "Not authorized");
    }
}
