package com.flashapp.whatsapp.sandbox.twilio;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Twilio's REST error body. */
public record TwilioError(int code, String message, @JsonProperty("more_info") String moreInfo, int status) {

    public static TwilioError of(int status, int code, String message) {
        return new TwilioError(code, message, "https://www.twilio.com/docs/errors/" + code, status);
    }
}
