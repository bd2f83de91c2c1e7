package com.flashapp.whatsapp.balance.client;

/** Flash refused the user's token (HTTP 401 or NOT_AUTHENTICATED): the link is stale. Not a Flash outage. */
public class FlashUnauthenticatedException extends RuntimeException {
    public FlashUnauthenticatedException(String message) {
        super(message);
    }
}
