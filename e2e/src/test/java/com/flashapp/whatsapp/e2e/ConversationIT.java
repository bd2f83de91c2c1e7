package com.flashapp.whatsapp.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The product end to end: WhatsApp users (through the sandbox) → gateway → command → balance / ai-support /
 * notification → Twilio simulator, with every app running as its packaged jar. Steps build on each other (bob
 * links, then checks his balance, is paid, sends), so they run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConversationIT {

    private static Apps apps;
    private static final Chat BOB = new Chat("+18765550102");
    private static final Chat CAROL = new Chat("+18765550103");

    @BeforeAll
    static void startTheSuite() throws Exception {
        apps = new Apps(Path.of(System.getProperty("e2e.root", "..")).toAbsolutePath().normalize(),
                Path.of(System.getProperty("e2e.logs", "target/e2e-logs")));
        try {
            apps.start();
        } catch (Exception | Error e) {
            apps.close();
            throw e;
        }
    }

    @AfterAll
    static void stopTheSuite() throws Exception {
        for (var chat : new Chat[] {BOB, CAROL}) {
            try {
                chat.writeTranscript(Path.of(System.getProperty("e2e.logs", "target/e2e-logs")));
            } catch (Exception | AssertionError e) {
                // the sandbox may not have started; the failure that matters is already reported
            }
        }
        if (apps != null) {
            apps.close();
        }
    }

    @Test
    @Order(1)
    void aNewUserIsWelcomedWithAMenuForPeopleNotLinkedYet() throws Exception {
        CAROL.say("hi");
        var welcome = CAROL.expectContaining("welcome", "*link*", "*price");
        // money commands are for linked users only
        assertFalse(welcome.text().contains("*send"), welcome.text());
        assertFalse(welcome.text().contains("*balance*"), welcome.text());
    }

    @Test
    @Order(2)
    void anUnlinkedUserAskingForTheirBalanceIsToldToLinkFirst() throws Exception {
        CAROL.say("balance");
        CAROL.expectContaining("need to link");
    }

    @Test
    @Order(3)
    void aQuestionIsAnsweredByTheAiFromTheHelpNotes() throws Exception {
        CAROL.say("how do I send money to my cousin?");
        CAROL.expectContaining("help notes");
    }

    @Test
    @Order(4)
    void linkingWithTheFlashCodeThenTheBalance() throws Exception {
        BOB.say("link");
        BOB.expectContaining("code");
        var code = requestFlashCode(BOB.phone());
        BOB.say(code);
        BOB.expectContaining("linked");
        // at once, as a quick user would: command-service must already know bob is linked
        BOB.say("balance");
        BOB.expectContaining("your flash balance", "$50.00", "100,000 sats");
    }

    @Test
    @Order(5)
    void aPaymentToALinkedUserIsNotifiedOnce() throws Exception {
        Chat.post("/sandbox/flash/payments",
                "{\"toUsername\":\"bob\",\"amount\":1234,\"walletCurrency\":\"BTC\",\"memo\":\"e2e lunch\"}");
        BOB.expectContaining("1,234");
        Thread.sleep(2_000);
        var notices = BOB.sentToUser().stream().filter(m -> m.text().contains("1,234")).count();
        assertEquals(1, notices, "one notification per payment");
    }

    @Test
    @Order(6)
    void sendingMoneyAsksForConfirmationAndPays() throws Exception {
        BOB.say("send 1 to @alice");
        var step = BOB.expect("asking for a code or a confirmation",
                m -> m.text().toLowerCase().contains("code") || m.text().toUpperCase().contains("YES"));
        if (!step.text().toUpperCase().contains("YES")) {
            BOB.say(requestFlashCode(BOB.phone()));
            BOB.expectContaining("YES");
        }
        BOB.expectContaining("@alice", "$1.00");
        BOB.say("YES");
        BOB.expectContaining("sent $1.00 to @alice");
        var alice = Chat.get("/sandbox/flash/users?phone=%2B18765550101").get(0);
        assertEquals(12650, alice.path("usdCents").asInt(), "alice's USD wallet got the dollar");
    }

    private static String requestFlashCode(String phone) throws Exception {
        var mutation = "mutation { userPhoneRegistrationInitiate(input: {phone: \\\"" + phone
                + "\\\", channel: SMS}) { errors { message } success } }";
        var answer = Chat.post("/graphql", "{\"query\":\"" + mutation + "\"}");
        assertTrue(answer.path("data").path("userPhoneRegistrationInitiate").path("success").asBoolean(),
                answer.toString());
        return Chat.get("/sandbox/flash/otp?phone=" + phone.replace("+", "%2B")).path("code").asText();
    }
}
