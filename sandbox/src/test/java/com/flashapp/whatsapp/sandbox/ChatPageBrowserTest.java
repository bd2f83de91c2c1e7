package com.flashapp.whatsapp.sandbox;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Opens the chat page in Debian's headless chromium: taps the Flash app's "Send code" and sees the code, uses the
 * "try this" guide, sends "help" and sees a bot reply rendered, taps a quick reply, sends a voice note, and sees a
 * voice reply as an audio player.
 */
@QuarkusTest
class ChatPageBrowserTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    @TestHTTPResource("/")
    URL page;

    @Test
    void sendsHelpAndRendersTheBotsReply() throws Exception {
        assertTrue(new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "Debian chromium and chromium-driver are required: apt-get install -y chromium chromium-driver");
        var profile = Files.createTempDirectory("sandbox-chromium");
        var options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        var service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        var driver = new ChromeDriver(service, options);
        try {
            var phone = TestData.randomPhone();
            driver.get(page.toString());
            var wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            // the page renders the conversation again as messages arrive: an element read meanwhile is stale, look again
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(d -> !d.findElements(By.cssSelector("#user-select option")).isEmpty());

            var phoneInput = driver.findElement(By.id("phone"));
            phoneInput.clear();
            phoneInput.sendKeys(phone);
            driver.findElement(By.id("use-phone")).click();

            // the Flash app's part: "Send code" makes Flash issue a login code for this phone, shown on the page
            wait.until(d -> "—".equals(d.findElement(By.id("otp")).getText()));
            driver.findElement(By.id("send-code")).click();
            wait.until(d -> d.findElement(By.id("otp")).getText().matches("[0-9]{6}"));
            var shown = driver.findElement(By.id("otp")).getText();
            assertEquals(shown, given().queryParam("phone", phone).get("/sandbox/flash/otp")
                    .then().statusCode(200).extract().jsonPath().getString("code"), "the code Flash will check");
            assertTrue(driver.findElement(By.id("send-code-result")).getText().contains("Code sent by SMS"));

            // the "try this" guide puts an example in the message box
            driver.findElements(By.cssSelector("#guide button.try")).stream()
                    .filter(b -> "balance".equals(b.getAttribute("data-text"))).findFirst().orElseThrow().click();
            assertEquals("balance", driver.findElement(By.id("message-input")).getAttribute("value"));
            driver.findElement(By.id("message-input")).clear();

            driver.findElement(By.id("message-input")).sendKeys("help");
            driver.findElement(By.id("send-button")).click();
            wait.until(d -> d.findElements(By.cssSelector("#messages .msg.inbound")).stream()
                    .anyMatch(e -> e.getText().contains("help")));

            // the bot's side: a reply sent through the simulated Twilio API
            given().auth().preemptive().basic(TwilioSimulatorTest.SID, TwilioSimulatorTest.TOKEN)
                    .contentType("application/x-www-form-urlencoded; charset=UTF-8")
                    .formParam("To", "whatsapp:" + phone).formParam("From", TwilioSimulatorTest.SENDER)
                    .formParam("Body", "Hi! Here is what I can do.\n\n• Balance: reply *balance*")
                    .post(TwilioSimulatorTest.MESSAGES).then().statusCode(201);
            wait.until(d -> d.findElements(By.cssSelector("#messages .msg.outbound")).stream()
                    .anyMatch(e -> e.getText().contains("Hi! Here is what I can do.")));

            // the quick reply is a button; tapping it reaches the gateway with ButtonPayload
            click(wait, "#messages .msg.outbound button.quick-reply", b -> b.getText().contains("Balance"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    FakeGateway.at("/webhooks/twilio/messages").stream().anyMatch(r ->
                            ("whatsapp:" + phone).equals(r.params().get("From"))
                                    && "balance".equals(r.params().get("ButtonPayload"))));

            // real WhatsApp buttons: a twilio/quick-reply template created through the Content API, sent with
            // ContentSid; the page shows its body and buttons, and a tap posts ButtonPayload = the button's id
            var contentSid = given().auth().preemptive().basic(TwilioSimulatorTest.SID, TwilioSimulatorTest.TOKEN)
                    .contentType("application/json")
                    .body(Map.of("friendly_name", "browser_buttons", "language", "en", "variables",
                            Map.of("1", "sample"), "types", Map.of("twilio/quick-reply", Map.of("body", "{{1}}",
                                    "actions", List.of(Map.of("type", "QUICK_REPLY", "title", "See history",
                                            "id", "history"), Map.of("type", "QUICK_REPLY", "title", "Show commands",
                                            "id", "help"))))))
                    .post("/v1/Content").then().statusCode(201).extract().jsonPath().getString("sid");
            given().auth().preemptive().basic(TwilioSimulatorTest.SID, TwilioSimulatorTest.TOKEN)
                    .contentType("application/x-www-form-urlencoded; charset=UTF-8")
                    .formParam("To", "whatsapp:" + phone).formParam("From", TwilioSimulatorTest.SENDER)
                    .formParam("ContentSid", contentSid)
                    .formParam("ContentVariables", "{\"1\":\"Your balance is 1,000 sats.\"}")
                    .post(TwilioSimulatorTest.MESSAGES).then().statusCode(201);
            wait.until(d -> d.findElements(By.cssSelector("#messages .msg.outbound")).stream()
                    .anyMatch(e -> e.getText().contains("Your balance is 1,000 sats.")));
            wait.until(d -> d.findElements(By.cssSelector("#messages .msg.outbound button.content-button")).size() == 2);
            click(wait, "#messages .msg.outbound button.content-button", b -> b.getText().equals("See history"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    FakeGateway.at("/webhooks/twilio/messages").stream().anyMatch(r ->
                            ("whatsapp:" + phone).equals(r.params().get("From"))
                                    && "history".equals(r.params().get("ButtonPayload"))
                                    && "See history".equals(r.params().get("ButtonText"))
                                    && "See history".equals(r.params().get("Body"))));

            // the microphone button sends what was typed as a voice note
            driver.findElement(By.id("message-input")).sendKeys("what is my balance");
            driver.findElement(By.id("voice-button")).click();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                    FakeGateway.at("/webhooks/twilio/messages").stream().anyMatch(r ->
                            ("whatsapp:" + phone).equals(r.params().get("From"))
                                    && "1".equals(r.params().get("NumMedia"))
                                    && "audio/ogg".equals(r.params().get("MediaContentType0"))));
            wait.until(d -> d.findElements(By.cssSelector("#messages .msg.inbound")).stream()
                    .anyMatch(e -> e.getText().contains("🎙️ what is my balance")));

            // a voice reply ("voice on"): media only, Ogg/Opus at the gateway's media URL, played by an <audio>
            var voiceUrl = FakeGateway.url("/media/voice-reply-" + phone.substring(1));
            given().auth().preemptive().basic(TwilioSimulatorTest.SID, TwilioSimulatorTest.TOKEN)
                    .contentType("application/x-www-form-urlencoded; charset=UTF-8")
                    .formParam("To", "whatsapp:" + phone).formParam("From", TwilioSimulatorTest.SENDER)
                    .formParam("MediaUrl", voiceUrl)
                    .post(TwilioSimulatorTest.MESSAGES).then().statusCode(201);
            wait.until(d -> d.findElements(By.cssSelector("#messages .msg.outbound audio.voice")).stream()
                    .anyMatch(e -> voiceUrl.equals(e.getAttribute("src"))));
            // the browser read the Ogg/Opus file: 2 seconds of audio
            var audio = driver.findElement(By.cssSelector("#messages .msg.outbound audio.voice"));
            wait.until(d -> ((org.openqa.selenium.JavascriptExecutor) d)
                    .executeScript("return arguments[0].readyState >= 1 && isFinite(arguments[0].duration)", audio)
                    .equals(Boolean.TRUE));
            var duration = ((Number) driver.executeScript("return arguments[0].duration", audio)).doubleValue();
            assertEquals(2.0, duration, 0.1);
        } finally {
            driver.quit();
        }
    }

    /** Clicks the first element the selector finds that passes the check; again if the page rendered it anew. */
    private static void click(WebDriverWait wait, String css, Predicate<WebElement> which) {
        wait.until(d -> {
            var found = d.findElements(By.cssSelector(css)).stream().filter(which).findFirst();
            found.ifPresent(WebElement::click);
            return found.isPresent();
        });
    }
}
