package com.flashapp.whatsapp.sandbox.rest;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** RFC 7807-style problem body of the control API. */
public record Problem(String type, String title, int status, String detail) {

    public static Response response(int status, String title, String detail) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON)
                .entity(new Problem("about:blank", title, status, detail))
                .build();
    }
}
