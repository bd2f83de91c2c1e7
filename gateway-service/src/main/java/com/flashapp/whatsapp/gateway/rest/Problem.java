package com.flashapp.whatsapp.gateway.rest;

/** An RFC 7807 problem body. */
public record Problem(String type, String title, int status, String detail) {

    public static final String MEDIA_TYPE = "application/problem+json";
}
