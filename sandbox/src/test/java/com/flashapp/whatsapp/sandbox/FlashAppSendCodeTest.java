package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static com.flashapp.whatsapp.sandbox.TestData.graphql;
import static com.flashapp.whatsapp.sandbox.TestData.randomPhone;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Flash app's "Send code" ({@code POST /sandbox/flash/app/send-code}), the chat page's way to get a login code. */
@QuarkusTest
class FlashAppSendCodeTest {

    static JsonPath sendCode(String phone) {
        return given().contentType(ContentType.JSON).body(Map.of("phone", phone))
                .post("/sandbox/flash/app/send-code")
                .then().statusCode(200).extract().jsonPath();
    }

    static JsonPath login(String phone, String code) {
        return graphql(null, TestData.LOGIN, Map.of("input", Map.of("phone", phone, "code", code)));
    }

    @Test
    void issuesTheCodeThatUserLoginAccepts() {
        var phone = randomPhone();
        var sent = sendCode(phone);
        assertEquals(phone, sent.getString("phone"));
        assertEquals("SMS", sent.getString("channel"));
        assertTrue(sent.getString("code").matches("[0-9]{6}"), sent.prettify());
        assertNotNull(sent.getString("expiresAt"));
        // the same code the product reads back and the one Flash checks at login
        given().queryParam("phone", phone).get("/sandbox/flash/otp").then().statusCode(200)
                .body("code", is(sent.getString("code")));
        var token = login(phone, sent.getString("code")).getString("data.userLogin.authToken");
        assertNotNull(token, "userLogin accepts the app's code");
        assertEquals(phone, graphql(token, FlashGraphQLTest.ME, Map.of()).getString("data.me.phone"));
        // a code is good once
        var again = login(phone, sent.getString("code"));
        assertNull(again.get("data.userLogin.authToken"));
        assertEquals("PHONE_CODE_ERROR", again.getString("data.userLogin.errors[0].code"));
    }

    @Test
    void aNewTapGivesAFreshCodeThatWorks() {
        var phone = randomPhone();
        sendCode(phone);
        var second = sendCode(phone).getString("code");
        given().queryParam("phone", phone).get("/sandbox/flash/otp").then().body("code", is(second));
        assertNotNull(login(phone, second).getString("data.userLogin.authToken"));
    }

    @Test
    void sharesFlashsHourlyLimitWithTheGraphQLCodeRequest() {
        var phone = randomPhone();
        var input = Map.<String, Object>of("input", Map.of("phone", phone, "channel", "SMS"));
        for (int i = 0; i < 19; i++) {
            assertTrue(graphql(null, TestData.INITIATE, input).getBoolean("data.userPhoneRegistrationInitiate.success"));
        }
        var twentieth = sendCode(phone).getString("code");
        given().contentType(ContentType.JSON).body(Map.of("phone", phone)).post("/sandbox/flash/app/send-code")
                .then().statusCode(429).contentType(ContentType.JSON)
                .body("status", is(429)).body("title", is("Too Many Requests"))
                .body("detail", containsString("too many codes"));
        var limited = graphql(null, TestData.INITIATE, input);
        assertFalse(limited.getBoolean("data.userPhoneRegistrationInitiate.success"));
        assertEquals("TOO_MANY_REQUEST", limited.getString("data.userPhoneRegistrationInitiate.errors[0].code"));
        // the refused tap loses nothing: the last code sent still logs in
        assertNotNull(login(phone, twentieth).getString("data.userLogin.authToken"));
    }

    @Test
    void badInputGetsAProblemAndIssuesNoCode() {
        given().contentType(ContentType.JSON).post("/sandbox/flash/app/send-code")
                .then().statusCode(400).body("detail", containsString("{phone}"));
        given().contentType(ContentType.JSON).body(Map.of("phone", " ")).post("/sandbox/flash/app/send-code")
                .then().statusCode(400).body("detail", containsString("{phone}"));
        given().contentType(ContentType.JSON).body("{\"phone\": ").post("/sandbox/flash/app/send-code")
                .then().statusCode(400).body("detail", Matchers.notNullValue());
        given().contentType(ContentType.JSON).body(Map.of("phone", "18765550199")).post("/sandbox/flash/app/send-code")
                .then().statusCode(400).body("detail", containsString("E.164"));
        given().queryParam("phone", "18765550199").get("/sandbox/flash/otp").then().statusCode(404);
    }
}
