package com.flashapp.whatsapp.aisupport.rest;

/** An RFC 7807 style problem body. */
public record Problem(String type, String title, int status, String detail) {
}
