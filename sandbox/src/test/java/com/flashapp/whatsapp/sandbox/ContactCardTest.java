package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A simulated user shares a contact card: a text/vcard media message, its card behind Twilio's media URL. */
@QuarkusTest
class ContactCardTest {

    static final String SID = TwilioSimulatorTest.SID;
    static final String TOKEN = TwilioSimulatorTest.TOKEN;

    @Test
    void aSharedContactArrivesAsAVcardMediaMessage() {
        var phone = randomPhone();
        given().contentType(ContentType.JSON)
                .body(Map.of("from", phone, "contact", Map.of("name", "Aunt May, Sr.", "phone", "+18765550123")))
                .post("/sandbox/whatsapp/messages").then().statusCode(200).body("gatewayStatus", is(200));
        var params = FakeGateway.at("/webhooks/twilio/messages").stream()
                .filter(r -> ("whatsapp:" + phone).equals(r.params().get("From"))).findFirst().orElseThrow().params();
        assertEquals("1", params.get("NumMedia"));
        assertEquals("text/vcard", params.get("MediaContentType0"));
        assertEquals("", params.get("Body"));

        var redirect = given().auth().preemptive().basic(SID, TOKEN).redirects().follow(false)
                .get(params.get("MediaUrl0"));
        assertEquals(307, redirect.statusCode());
        var card = new String(given().redirects().follow(false).get(redirect.header("Location")).then()
                .statusCode(200).contentType("text/vcard").extract().asByteArray(), StandardCharsets.UTF_8);
        assertTrue(card.startsWith("BEGIN:VCARD\r\n") && card.contains("FN:Aunt May\\, Sr.\r\n")
                && card.contains("TEL;waid=18765550123:+18765550123"), card);
    }

    @Test
    void aContactWithoutANameOrWithABadNumberIsRefused() {
        var phone = randomPhone();
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "contact", Map.of("name", " ",
                "phone", "+18765550123"))).post("/sandbox/whatsapp/messages").then().statusCode(400)
                .body(containsString("contact.name"));
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "contact", Map.of("name", "Mom",
                "phone", "876-555"))).post("/sandbox/whatsapp/messages").then().statusCode(400)
                .body(containsString("contact.phone"));
    }
}
