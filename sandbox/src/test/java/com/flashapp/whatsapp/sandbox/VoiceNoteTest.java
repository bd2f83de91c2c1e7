package com.flashapp.whatsapp.sandbox;

import com.twilio.security.RequestValidator;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A simulated user's voice note: a Twilio-style webhook with {@code NumMedia=1}, media behind Basic auth that
 * redirects to credential-free storage, deletable like Twilio's; and the Maple stand-in's transcription of it.
 */
@QuarkusTest
class VoiceNoteTest {

    static final String SID = TwilioSimulatorTest.SID;
    static final String TOKEN = TwilioSimulatorTest.TOKEN;
    static final String KEY = "Bearer sandbox-maple-key";

    @AfterEach
    void clearFaults() {
        given().delete("/sandbox/maple/faults").then().statusCode(204);
        given().delete("/sandbox/twilio/faults").then().statusCode(204);
    }

    private static Map<String, String> voiceNote(String phone, Map<String, Object> body) {
        var mediaUrl = given().contentType(ContentType.JSON).body(body).post("/sandbox/whatsapp/messages").then()
                .statusCode(200).body("gatewayStatus", is(200)).extract().path("mediaUrl");
        var params = FakeGateway.at("/webhooks/twilio/messages").stream()
                .filter(r -> ("whatsapp:" + phone).equals(r.params().get("From"))).findFirst().orElseThrow().params();
        assertEquals(params.get("MediaUrl0"), mediaUrl, "the answer names the media URL it delivered");
        return params;
    }

    private static byte[] download(String mediaUrl) {
        var redirect = given().auth().preemptive().basic(SID, TOKEN).redirects().follow(false).get(mediaUrl);
        assertEquals(307, redirect.statusCode());
        return given().redirects().follow(false).get(redirect.header("Location")).then().statusCode(200)
                .contentType("audio/ogg").extract().asByteArray();
    }

    @Test
    void aVoiceNoteArrivesAsTwilioDeliversOneAndIsTranscribedBackToWhatWasSaid() {
        var phone = randomPhone();
        var params = voiceNote(phone, Map.of("from", phone, "voice", "what is my balance"));
        assertTrue(new RequestValidator(TOKEN).validate(FakeGateway.url("/webhooks/twilio/messages"),
                params, FakeGateway.at("/webhooks/twilio/messages").stream()
                        .filter(r -> r.params() == params).findFirst().orElseThrow().signature()));
        assertEquals("1", params.get("NumMedia"));
        assertEquals("audio/ogg", params.get("MediaContentType0"));
        assertEquals("audio", params.get("MessageType"));
        assertEquals("", params.get("Body"));
        var url = params.get("MediaUrl0");
        assertTrue(url.matches("^http://localhost:\\d+/2010-04-01/Accounts/" + SID + "/Messages/"
                + params.get("MessageSid") + "/Media/ME[0-9a-f]{32}$"), url);

        var audio = download(url);
        assertEquals("OggS", new String(audio, 0, 4));
        given().header("Authorization", KEY).multiPart("file", "voice.ogg", audio, "audio/ogg")
                .multiPart("model", "whisper-large-v3").post("/v1/audio/transcriptions").then().statusCode(200)
                .body("text", is("what is my balance"));
    }

    @Test
    void mediaNeedsBasicAuthAndItsStorageRefusesForwardedCredentials() {
        var phone = randomPhone();
        var url = voiceNote(phone, Map.of("from", phone, "voice", "hello")).get("MediaUrl0");
        given().redirects().follow(false).get(url).then().statusCode(401).body("code", is(20003));
        given().auth().preemptive().basic(SID, "wrong").redirects().follow(false).get(url).then().statusCode(401);
        var location = given().auth().preemptive().basic(SID, TOKEN).redirects().follow(false).get(url)
                .header("Location");
        given().auth().preemptive().basic(SID, TOKEN).redirects().follow(false).get(location).then().statusCode(400)
                .body(containsString("Only one auth mechanism allowed"));
    }

    @Test
    void deletedMediaIsGone() {
        var phone = randomPhone();
        var params = voiceNote(phone, Map.of("from", phone, "voice", "hello"));
        var url = params.get("MediaUrl0");
        var location = given().auth().preemptive().basic(SID, TOKEN).redirects().follow(false).get(url)
                .header("Location");
        given().auth().preemptive().basic(SID, TOKEN).delete(url + ".json").then().statusCode(204);
        given().auth().preemptive().basic(SID, TOKEN).redirects().follow(false).get(url).then().statusCode(404)
                .body("code", is(20404));
        given().redirects().follow(false).get(location).then().statusCode(404);
        given().auth().preemptive().basic(SID, TOKEN).delete(url + ".json").then().statusCode(404);
    }

    @Test
    void twilioFaultsApplyToMediaDownloads() {
        var phone = randomPhone();
        var url = voiceNote(phone, Map.of("from", phone, "voice", "hello")).get("MediaUrl0");
        given().contentType(ContentType.JSON).body(Map.of("mode", "http500")).post("/sandbox/twilio/faults")
                .then().statusCode(200);
        given().auth().preemptive().basic(SID, TOKEN).redirects().follow(false).get(url).then().statusCode(500)
                .body("code", is(20500));
    }

    @Test
    void theLengthOfANoteCanBeChosen() {
        var phone = randomPhone();
        var url = voiceNote(phone, Map.of("from", phone, "voice", "a long story", "voiceSeconds", 150))
                .get("MediaUrl0");
        var audio = download(url);
        // 150 s of 20 ms frames: the last page's granule position is pre-skip + 7500 × 960 samples
        var last = lastGranule(audio);
        assertEquals(312 + 7500L * 960, last);
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "voice", "x", "voiceSeconds", -1))
                .post("/sandbox/whatsapp/messages").then().statusCode(400);
    }

    @Test
    void anyOtherAudioGetsAFixedErrorAndFaultsApply() {
        given().header("Authorization", KEY).multiPart("file", "voice.ogg", "not audio".getBytes(), "audio/ogg")
                .multiPart("model", "whisper-large-v3").post("/v1/audio/transcriptions").then().statusCode(400)
                .body("error.message", is("Audio file could not be decoded or its format is not supported."));
        given().header("Authorization", "Bearer wrong").multiPart("file", "voice.ogg", "x".getBytes(), "audio/ogg")
                .multiPart("model", "whisper-large-v3").post("/v1/audio/transcriptions").then().statusCode(401);
        given().header("Authorization", KEY).multiPart("file", "voice.ogg", "x".getBytes(), "audio/ogg")
                .multiPart("model", "no-such-model").post("/v1/audio/transcriptions").then().statusCode(404);
        given().header("Authorization", KEY).multiPart("model", "whisper-large-v3")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.message", is("'file' is required"));
        given().contentType(ContentType.JSON).body(Map.of("mode", "http500")).post("/sandbox/maple/faults")
                .then().statusCode(200);
        var note = com.flashapp.whatsapp.sandbox.voice.OggOpus.encode("hello", 1);
        given().header("Authorization", KEY).multiPart("file", "voice.ogg", note, "audio/ogg")
                .multiPart("model", "whisper-large-v3").post("/v1/audio/transcriptions").then().statusCode(500);
    }

    @Test
    void speechIsAnOggOpusVoiceNoteThatTranscribesBackToTheText() {
        var text = "Send balance to see your balance. It is that easy.";
        var audio = given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body(Map.of("model", "tts-1", "input", text, "voice", "alloy", "response_format", "opus"))
                .post("/v1/audio/speech").then().statusCode(200).contentType(is("audio/ogg"))
                .extract().asByteArray();
        assertEquals("OggS", new String(audio, 0, 4));
        // OpusHead in the first page; the length follows the words (10 words at 2.5 a second: 4 s of 48 kHz)
        assertTrue(new String(audio, 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1).contains("OpusHead"));
        assertEquals(4 * 48_000, lastGranule(audio) - 312, 48_000 / 50.0);
        given().header("Authorization", KEY).multiPart("file", "voice.ogg", audio, "audio/ogg")
                .multiPart("model", "whisper-large-v3").post("/v1/audio/transcriptions").then().statusCode(200)
                .body("text", is(text));
    }

    @Test
    void speechRefusesBadRequestsClearlyAndFaultsApply() {
        var ok = Map.of("model", "tts-1", "input", "hello", "voice", "alloy", "response_format", "opus");
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON).body(ok)
                .post("/v1/audio/speech").then().statusCode(401);
        given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body(Map.of("model", "gpt-99", "input", "hello", "voice", "alloy", "response_format", "opus"))
                .post("/v1/audio/speech").then().statusCode(404);
        given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body(Map.of("model", "tts-1", "voice", "alloy", "response_format", "opus"))
                .post("/v1/audio/speech").then().statusCode(400).body("error.message", is("'input' is required"));
        given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body(Map.of("model", "tts-1", "input", "x".repeat(4097), "voice", "alloy", "response_format", "opus"))
                .post("/v1/audio/speech").then().statusCode(400)
                .body("error.message", is("'input' is longer than 4096 characters"));
        given().header("Authorization", KEY).contentType(ContentType.JSON)
                .body(Map.of("model", "tts-1", "input", "hello", "voice", "alloy"))
                .post("/v1/audio/speech").then().statusCode(400)
                .body("error.message", containsString("only response_format `opus`"));
        given().contentType(ContentType.JSON).body(Map.of("mode", "http500")).post("/sandbox/maple/faults")
                .then().statusCode(200);
        given().header("Authorization", KEY).contentType(ContentType.JSON).body(ok)
                .post("/v1/audio/speech").then().statusCode(500);
    }

    /** The granule position of the last Ogg page (capture pattern searched from the end). */
    static long lastGranule(byte[] ogg) {
        for (int i = ogg.length - 27; i >= 0; i--) {
            if (ogg[i] == 'O' && ogg[i + 1] == 'g' && ogg[i + 2] == 'g' && ogg[i + 3] == 'S') {
                return java.nio.ByteBuffer.wrap(ogg, i + 6, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            }
        }
        throw new AssertionError("no Ogg page");
    }
}
