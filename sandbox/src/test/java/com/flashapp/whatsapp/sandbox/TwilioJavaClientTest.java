package com.flashapp.whatsapp.sandbox;

import com.twilio.exception.ApiException;
import com.twilio.http.HttpClient;
import com.twilio.http.HttpMethod;
import com.twilio.http.Request;
import com.twilio.http.Response;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.type.PhoneNumber;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** twilio-java itself, pointed at the simulator, creates and fetches messages and reads its errors. */
@QuarkusTest
class TwilioJavaClientTest {

    @TestHTTPResource("/")
    URL base;

    /** Sends twilio-java's requests to the sandbox instead of https://api.twilio.com (the documented approach). */
    static final class SandboxHttpClient extends HttpClient {
        private final String base;
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        SandboxHttpClient(String base) {
            this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }

        @Override
        public Response makeRequest(Request request) {
            try {
                var url = request.constructURL().toString().replace("https://api.twilio.com", base);
                var auth = request.getAuthString();
                var builder = HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", auth.startsWith("Basic ") ? auth : "Basic " + auth)
                        .header("Accept", "application/json");
                if (request.getMethod() == HttpMethod.POST) {
                    builder.header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(request.encodeFormBody()));
                } else {
                    builder.GET();
                }
                var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
                return new Response(response.body(), response.statusCode());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void twilioJavaCreatesFetchesAndReadsErrors() {
        var client = new TwilioRestClient.Builder(TwilioSimulatorTest.SID, TwilioSimulatorTest.TOKEN)
                .httpClient(new SandboxHttpClient(base.toString())).build();
        var phone = TestData.randomPhone();
        given().contentType(ContentType.JSON).body(Map.of("from", phone, "body", "hi"))
                .post("/sandbox/whatsapp/messages").then().statusCode(200);

        var message = Message.creator(new PhoneNumber("whatsapp:" + phone),
                new PhoneNumber(TwilioSimulatorTest.SENDER), "Your balance is $2.00").create(client);
        assertTrue(message.getSid().startsWith("SM"));
        assertEquals(Message.Status.QUEUED, message.getStatus());
        assertNotNull(message.getDateCreated());
        assertEquals("whatsapp:" + phone, message.getTo());

        await().atMost(Duration.ofSeconds(10)).until(() ->
                Message.fetcher(message.getSid()).fetch(client).getStatus() == Message.Status.READ);

        var listed = new ArrayList<Message>();
        Message.reader().setTo(new PhoneNumber("whatsapp:" + phone)).read(client).forEach(listed::add);
        assertEquals(1, listed.size());
        assertEquals(message.getSid(), listed.get(0).getSid());

        var error = assertThrows(ApiException.class, () -> Message.creator(new PhoneNumber("whatsapp:nope"),
                new PhoneNumber(TwilioSimulatorTest.SENDER), "x").create(client));
        assertEquals(21211, error.getCode());
        assertEquals(400, error.getStatusCode());
    }
}
