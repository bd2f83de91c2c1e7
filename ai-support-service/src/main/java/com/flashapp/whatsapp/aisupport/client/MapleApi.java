package com.flashapp.whatsapp.aisupport.client;

import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

/** maple-proxy's OpenAI-compatible chat, transcription and speech endpoints; base URL {@code quarkus.rest-client.maple.url} (ends in /v1). */
@RegisterRestClient(configKey = "maple")
interface MapleApi {

    @POST
    @Path("/chat/completions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<ChatCompletion.Response> complete(@HeaderParam("Authorization") String authorization,
                                          ChatCompletion.Request request);

    /** OpenAI's speech to text: multipart/form-data {@code file} + {@code model}, answers {@code {"text": …}}. */
    @POST
    @Path("/audio/transcriptions")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    Uni<Transcription> transcribe(@HeaderParam("Authorization") String authorization, ClientMultipartForm form);

    /** OpenAI's text to speech: JSON {@code model}, {@code input}, {@code voice}, {@code response_format}; answers audio. */
    @POST
    @Path("/audio/speech")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({"audio/ogg", "audio/opus", MediaType.APPLICATION_OCTET_STREAM})
    Uni<byte[]> speech(@HeaderParam("Authorization") String authorization, Speech.Request request);

    @GET
    @Path("/models")
    @Produces(MediaType.APPLICATION_JSON)
    Uni<ChatCompletion.Models> models(@HeaderParam("Authorization") String authorization);
}
