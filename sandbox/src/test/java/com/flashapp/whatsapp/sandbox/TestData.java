package com.flashapp.whatsapp.sandbox;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;

/** Helpers shared by the sandbox tests: unique users, login, GraphQL calls. */
final class TestData {

    private TestData() {
    }

    private static final AtomicInteger NEXT_PHONE =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(5_000));

    /** Unique within a run (the sandbox state is per process), random across runs. */
    static String randomPhone() {
        return "+1876555" + String.format("%04d", NEXT_PHONE.getAndIncrement() % 10_000);
    }

    static String randomUsername() {
        return "u_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** Creates a user through the control API; returns its JSON view. */
    static JsonPath user(String phone, String username, long btcSats, long usdCents) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("phone", phone, "username", username, "btcSats", btcSats, "usdCents", usdCents,
                        "displayCurrency", "USD"))
                .post("/sandbox/flash/users")
                .then().statusCode(200).extract().jsonPath();
    }

    static JsonPath graphql(String token, String query, Map<String, Object> variables) {
        var request = given().contentType(ContentType.JSON);
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.body(Map.of("query", query, "variables", variables))
                .post("/graphql")
                .then().statusCode(200).extract().jsonPath();
    }

    static final String INITIATE = """
            mutation userPhoneRegistrationInitiate($input: UserPhoneRegistrationInitiateInput!) {
              userPhoneRegistrationInitiate(input: $input) { success errors { message code } }
            }""";

    static final String LOGIN = """
            mutation userLogin($input: UserLoginInput!) {
              userLogin(input: $input) { authToken totpRequired errors { message code path } }
            }""";

    /** Requests a code, reads it from the control API and logs in; returns the session token. */
    static String login(String phone) {
        graphql(null, INITIATE, Map.of("input", Map.of("phone", phone, "channel", "WHATSAPP")));
        var code = given().queryParam("phone", phone).get("/sandbox/flash/otp")
                .then().statusCode(200).extract().jsonPath().getString("code");
        var result = graphql(null, LOGIN, Map.of("input", Map.of("phone", phone, "code", code)));
        return result.getString("data.userLogin.authToken");
    }
}
