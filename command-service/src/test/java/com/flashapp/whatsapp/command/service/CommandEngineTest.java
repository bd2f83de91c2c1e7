package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.admin.AdminService;
import com.flashapp.whatsapp.command.admin.Totp;
import com.flashapp.whatsapp.command.repository.ExpectationRepository;
import com.flashapp.whatsapp.command.telemetry.Outcome;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.admin.AdminUserRequest;
import com.flashapp.whatsapp.contracts.events.AccountUnlinked;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.notification.PreferencesGet;
import com.flashapp.whatsapp.contracts.notification.PreferencesUpdate;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.wallet.AccountLinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountUnlinkRequest;
import com.flashapp.whatsapp.contracts.wallet.AccountVerifyRequest;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.InvoiceCreateRequest;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import com.flashapp.whatsapp.contracts.wallet.PriceRequest;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine end to end against the real broker, Redis and PostgreSQL. */
@QuarkusTest
class CommandEngineTest {

    @Inject
    Pool pool;

    @Inject
    ExpectationRepository expectations;

    @Inject
    AdminService admin;

    @Inject
    RedisDataSource redis;

    @Inject
    MeterRegistry meters;

    /** The test admin +18765550999's own TOTP secret; +18765550998 has another (command.admin.accounts). */
    static final String ADMIN = "+18765550999";
    static final String OTHER_ADMIN_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    final String totpSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    @ConfigProperty(name = "app.redis.key-prefix")
    String keyPrefix;

    BrokerProbe broker;
    String userRef;
    String phone;

    @BeforeEach
    void connect() throws Exception {
        // a used code is remembered per secret, and the test admins' secrets are shared by these tests: each starts
        // with no remembered step, failure count or lockout
        var scan = new io.quarkus.redis.datasource.keys.KeyScanArgs().match(keyPrefix + "admin-*");
        for (var key : redis.key().scan(scan).toIterable()) {
            redis.key().del(key);
        }
        broker = TestUsers.probe();
        userRef = TestUsers.newUserRef();
        phone = TestUsers.newPhone();
    }

    @AfterEach
    void disconnect() throws Exception {
        broker.close();
    }

    @Test
    void eachCommandRoutesToTheRightExchangeAndKey() throws Exception {
        link();
        var invoice = "lnbc2500u1pvjluezpp5qqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqqqsyqcyq5rqwzqfqypq";

        // a code with no open expectation finishes a link
        assertEquals("654321", routed("654321", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.ACCOUNT_VERIFY,
                AccountVerifyRequest.class).code());
        var linkRequest = routed("link", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.ACCOUNT_LINK,
                AccountLinkRequest.class);
        assertEquals("whatsapp:" + phone, linkRequest.whatsapp());
        routed("unlink", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.ACCOUNT_UNLINK, AccountUnlinkRequest.class);
        assertFalse(routed("bal", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.BALANCE_GET,
                BalanceRequest.class).refresh());
        assertTrue(routed("Saldo refresh", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.BALANCE_GET,
                BalanceRequest.class).refresh());
        assertEquals("JMD", routed("price jmd", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.PRICE_GET,
                PriceRequest.class).currency());
        assertTrue(routed("history more", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.HISTORY_GET,
                HistoryRequest.class).nextPage());
        assertEquals(2, routed("history #2", Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.HISTORY_GET,
                HistoryRequest.class).detailIndex());
        var receive = routed("receive 10 JMD for rent", Exchanges.WALLET_REQUESTS,
                RoutingKeys.Wallet.INVOICE_CREATE, InvoiceCreateRequest.class);
        assertEquals(new Amount(new BigDecimal("10"), "JMD"), receive.amount());
        assertEquals("rent", receive.memo());
        var request = routed("request 10 from @maria", Exchanges.WALLET_REQUESTS,
                RoutingKeys.Wallet.PAYMENT_REQUEST, PaymentRequestCommand.class);
        assertEquals(PaymentRequestCommand.Action.CREATE, request.action());
        assertEquals(new Recipient(Recipient.Kind.USERNAME, "maria"), request.from());
        var send = routed("send 1000 sats to +18765551234", Exchanges.WALLET_REQUESTS,
                RoutingKeys.Wallet.PAYMENT_SEND, PaymentSendRequest.class);
        assertEquals(new Amount(new BigDecimal("1000"), Amount.SATS), send.amount());
        assertEquals(new Recipient(Recipient.Kind.PHONE, "+18765551234"), send.to());
        var pasted = routed(invoice, Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.PAYMENT_SEND,
                PaymentSendRequest.class);
        assertEquals(Recipient.Kind.LIGHTNING_INVOICE, pasted.to().kind());
        assertNull(pasted.amount());
        assertEquals(Boolean.FALSE, routed("notifications off", Exchanges.NOTIFICATION_REQUESTS,
                RoutingKeys.Notification.PREFERENCES_UPDATE, PreferencesUpdate.class).enabled());
        assertEquals("22:00-07:00", routed("notifications quiet 22:00-07:00", Exchanges.NOTIFICATION_REQUESTS,
                RoutingKeys.Notification.PREFERENCES_UPDATE, PreferencesUpdate.class).quietHours());
        routed("notifications", Exchanges.NOTIFICATION_REQUESTS, RoutingKeys.Notification.PREFERENCES_GET,
                PreferencesGet.class);
        var question = routed("how do I buy bitcoin?", Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.QUESTION,
                SupportQuestion.class);
        assertEquals("how do I buy bitcoin?", question.text());
        assertTrue(question.linked());
        // a tapped quick reply is the command it carries
        var tapped = broker.send(userRef, phone, "See history", "history");
        broker.await(Exchanges.WALLET_REQUESTS, tapped, s -> s.message() instanceof HistoryRequest);

        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryRows("ok") >= 15);
    }

    @Test
    void aBurstOfNewUsersIsHandledConcurrently() throws Exception {
        var sent = new java.util.ArrayList<com.flashapp.whatsapp.contracts.inbound.InboundMessage>();
        for (int i = 0; i < 40; i++) {
            var ref = "u_test_" + UUID.randomUUID().toString().replace("-", "");
            sent.add(broker.send(ref, "+1876555" + String.format("%04d", i), i % 2 == 0 ? "hi" : "price"));
        }
        for (var inbound : sent) {
            broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                    s -> ((OutboundMessage) s.message()).body().startsWith("Welcome"));
        }
    }

    @Test
    void anUnlinkedUserAskingForTheirBalanceIsToldToLink() throws Exception {
        var inbound = broker.send(userRef, phone, "balance");

        var reply = broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> ((OutboundMessage) s.message()).body().contains("link your Flash account first"));
        var outbound = (OutboundMessage) reply.message();
        assertEquals("whatsapp:" + phone, outbound.to());
        assertEquals(RoutingKeys.Outbound.REPLY, reply.routingKey());
        assertEquals("link", outbound.quickReplies().get(0).payload());
        // and nothing went to balance-service: the next command's request is the first one on the exchange
        var next = broker.send(userRef, phone, "price");
        broker.await(Exchanges.WALLET_REQUESTS, next, s -> s.message() instanceof PriceRequest);
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, inbound.messageSid()).isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryRows("needs_link") == 1);
        // the first message also got the welcome, with the menu for someone not linked
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, inbound.messageSid()).stream()
                .map(s -> ((OutboundMessage) s.message()).body()).anyMatch(b -> b.startsWith("Welcome")));
    }

    @Test
    void anExpectationRoutesTheNextCodeToItsOwner() throws Exception {
        link();
        var expectationId = expect(RoutingKeys.Expect.CODE, Exchanges.WALLET_REQUESTS, "mfa:balance", List.of());

        var code = broker.send(userRef, phone, "482913");

        var answer = routed(code, Exchanges.WALLET_REQUESTS, RoutingKeys.Wallet.CONFIRMATION_ANSWER,
                ConfirmationAnswer.class);
        assertEquals(expectationId, answer.expectationId());
        assertEquals(RoutingKeys.Expect.CODE, answer.kind());
        assertEquals("482913", answer.answer());
        assertEquals("mfa:balance", answer.context());
        assertEquals("whatsapp:" + phone, answer.whatsapp());
        assertEquals(userRef, answer.envelope().userRef());
        assertEquals(code.messageSid(), answer.envelope().correlationId());
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, code.messageSid()).stream()
                .noneMatch(s -> s.message() instanceof AccountVerifyRequest), "the code is not a new link code");
        // deleted once the owner has the answer (after the publish confirm our probe may already have seen)
        await().atMost(Duration.ofSeconds(10)).until(() -> expectations.find(userRef).await().indefinitely() == null);
    }

    @Test
    void aChoiceIsAnsweredByNumberAndGoesToItsOwnersExchange() throws Exception {
        var expectationId = expect(RoutingKeys.Expect.CHOICE, Exchanges.SUPPORT_REQUESTS, "faq:card",
                List.of("keep", "remove"));

        var reply = broker.send(userRef, phone, "2");

        var answer = routed(reply, Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.CONFIRMATION_ANSWER,
                ConfirmationAnswer.class);
        assertEquals(expectationId, answer.expectationId());
        assertEquals("remove", answer.answer());
        assertEquals(RoutingKeys.Expect.CHOICE, answer.kind());
    }

    @Test
    void aThumbsUpAnswersAiSupportsFeedbackQuestion() throws Exception {
        var expectationId = expect(RoutingKeys.Expect.CHOICE, Exchanges.SUPPORT_REQUESTS, "feedback:a1",
                List.of("👍", "👎", "yes", "no"));

        var reply = broker.send(userRef, phone, "👍🏽");

        var answer = routed(reply, Exchanges.SUPPORT_REQUESTS, RoutingKeys.Support.CONFIRMATION_ANSWER,
                ConfirmationAnswer.class);
        assertEquals(expectationId, answer.expectationId());
        assertEquals("👍", answer.answer());
        assertEquals("feedback:a1", answer.context());
    }

    @Test
    void aNewQuestionLetsAiSupportsFeedbackQuestionLapseSilently() throws Exception {
        expect(RoutingKeys.Expect.CHOICE, Exchanges.SUPPORT_REQUESTS, "feedback:a2", List.of("👍", "👎", "yes", "no"));

        var inbound = broker.send(userRef, phone, "¿Cómo compro bitcoin?");

        var question = (SupportQuestion) broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                s -> s.message() instanceof SupportQuestion).message();
        assertEquals("es", question.locale());
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, inbound.messageSid()).stream()
                .noneMatch(s -> ((OutboundMessage) s.message()).body().contains("cancelled")));
    }

    @Test
    void anythingElseCancelsTheExpectationPolitelyAndIsHandledAsNew() throws Exception {
        link();
        expect(RoutingKeys.Expect.CONFIRMATION, Exchanges.WALLET_REQUESTS, "send:42", List.of());

        var inbound = broker.send(userRef, phone, "price");

        broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> "OK, I've cancelled that.".equals(((OutboundMessage) s.message()).body()));
        broker.await(Exchanges.WALLET_REQUESTS, inbound, s -> s.message() instanceof PriceRequest);
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, inbound.messageSid()).stream()
                .noneMatch(s -> s.message() instanceof ConfirmationAnswer));
    }

    @Test
    void aStrayReplyToACodePromptGetsThePromptAgainAndKeepsItOpen() throws Exception {
        link();
        var expectationId = expect(RoutingKeys.Expect.CODE, Exchanges.WALLET_REQUESTS, "link", List.of());

        var yes = broker.send(userRef, phone, "yes");

        var reprompt = broker.await(Exchanges.WHATSAPP_OUTBOUND, yes,
                s -> ((OutboundMessage) s.message()).body().startsWith("I need the 6-digit code"));
        assertEquals(ConversationService.CODE_REPROMPT, ((OutboundMessage) reprompt.message()).body());
        assertEquals(expectationId, expectations.find(userRef).await().indefinitely().expectationId());

        // the code still answers the prompt
        var code = broker.send(userRef, phone, "123456");
        var answer = broker.await(Exchanges.WALLET_REQUESTS, code, s -> s.message() instanceof ConfirmationAnswer);
        assertEquals("123456", ((ConfirmationAnswer) answer.message()).answer());
        assertEquals(expectationId, ((ConfirmationAnswer) answer.message()).expectationId());
        // and the "yes" got that one reply: nothing cancelled, nothing asked of AI support
        assertEquals(1, broker.all(Exchanges.WHATSAPP_OUTBOUND, yes.messageSid()).size());
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, yes.messageSid()).isEmpty());
    }

    @Test
    void aYesWithNothingWaitingIsToldSoAndNeverGoesToAiSupport() throws Exception {
        link();
        // past the first contact (which gets the welcome whatever it says)
        var hello = broker.send(userRef, phone, "help");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, hello, s -> true);
        for (var text : List.of("yes", "ok", "👍", "no")) {
            var stray = broker.send(userRef, phone, text);
            var reply = broker.await(Exchanges.WHATSAPP_OUTBOUND, stray,
                    s -> ((OutboundMessage) s.message()).body().startsWith("Nothing is waiting"));
            assertEquals(ConversationService.NOTHING_WAITING, ((OutboundMessage) reply.message()).body());
            assertFalse(((OutboundMessage) reply.message()).quickReplies().isEmpty(), "the next steps as buttons");
            assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, stray.messageSid()).isEmpty(), text);
        }
    }

    @Test
    void cancelAlwaysCancelsAnOpenCode() throws Exception {
        expect(RoutingKeys.Expect.CODE, Exchanges.WALLET_REQUESTS, "link", List.of());

        var inbound = broker.send(userRef, phone, "cancel");

        broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> "OK, I've cancelled that.".equals(((OutboundMessage) s.message()).body()));
        assertNull(expectations.find(userRef).await().indefinitely());
    }

    @Test
    void aMistypedCommandIsConfirmedBeforeItRuns() throws Exception {
        link();
        var typo = broker.send(userRef, phone, "balnace");
        var suggestion = broker.await(Exchanges.WHATSAPP_OUTBOUND, typo,
                s -> ((OutboundMessage) s.message()).body().startsWith("Did you mean"));
        assertEquals("Did you mean *balance*? Reply YES", ((OutboundMessage) suggestion.message()).body());
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, typo.messageSid()).isEmpty());
        awaitLocalExpectation("fuzzy:balance");

        var yes = broker.send(userRef, phone, "YES");

        broker.await(Exchanges.WALLET_REQUESTS, yes, s -> s.message() instanceof BalanceRequest);
    }

    @Test
    void severalCloseCommandsAreOfferedAsANumberedList() throws Exception {
        link();
        var typo = broker.send(userRef, phone, "paym");
        var list = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, typo,
                s -> ((OutboundMessage) s.message()).body().startsWith("Did you mean:")).message();
        assertTrue(list.body().contains("1. *send*"), list.body());
        assertTrue(list.body().contains("2. *history*"), list.body());
        awaitLocalExpectation("choose");

        var two = broker.send(userRef, phone, "2");

        broker.await(Exchanges.WALLET_REQUESTS, two, s -> s.message() instanceof HistoryRequest);
    }

    @Test
    void adminCommandsAreAnUnknownMessageForEveryoneElse() throws Exception {
        var inbound = broker.send(userRef, phone, "admin status");

        var question = (SupportQuestion) broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                s -> s.message() instanceof SupportQuestion).message();
        assertEquals("admin status", question.text());
        assertFalse(question.linked());
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, inbound.messageSid()).stream()
                .map(s -> ((OutboundMessage) s.message()).body().toLowerCase())
                .noneMatch(body -> body.contains("admin")), "no hint that admin exists");
    }

    @Test
    void adminStatsIsAnUnknownMessageForEveryoneElseAndAsksNoServiceForItsPart() throws Exception {
        var inbound = broker.send(userRef, phone, "admin stats");

        var question = (SupportQuestion) broker.await(Exchanges.SUPPORT_REQUESTS, inbound,
                s -> s.message() instanceof SupportQuestion).message();
        assertEquals("admin stats", question.text());
        // the question is the one thing this message causes: once it is out, nothing else is coming
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryRows("routed_to_ai") == 1);
        assertNoAdminRequests(inbound);
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, inbound.messageSid()).stream()
                .map(s -> ((OutboundMessage) s.message()).body().toLowerCase())
                .noneMatch(body -> body.contains("admin") || body.contains("delivery")), "no hint that admin exists");
    }

    @Test
    void adminStatsAsksNotificationAndAiSupportForTheirPartsOnlyAfterTheCode() throws Exception {
        phone = "+18765550999";
        var asked = broker.send(userRef, phone, "admin stats week");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, asked,
                s -> ((OutboundMessage) s.message()).body().contains("6-digit code"));
        awaitLocalExpectation("admin:admin stats week");
        assertNoAdminRequests(asked);

        var code = broker.send(userRef, phone, Totp.code(totpSecret, Instant.now()));

        var report = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, code,
                s -> ((OutboundMessage) s.message()).body().startsWith("*Usage, last 7 days*")).message();
        assertTrue(report.body().contains("follow in separate messages"), report.body());
        // the natural next step: the other admin report
        assertEquals(List.of("admin status"), payloads(report));
        var toNotification = broker.await(Exchanges.NOTIFICATION_REQUESTS, code,
                s -> s.message() instanceof AdminStatsRequest);
        var toSupport = broker.await(Exchanges.SUPPORT_REQUESTS, code, s -> s.message() instanceof AdminStatsRequest);
        for (var seen : List.of(toNotification, toSupport)) {
            assertEquals("admin.stats", seen.routingKey());
            var request = (AdminStatsRequest) seen.message();
            assertEquals("admin.stats", request.envelope().type());
            assertEquals(userRef, request.envelope().userRef());
            assertEquals(code.messageSid(), request.envelope().correlationId());
            assertEquals("whatsapp:" + phone, request.whatsapp());
            assertEquals("week", request.period());
        }
        assertNotEquals(toNotification.message().envelope().messageId(), toSupport.message().envelope().messageId());

        // inside the open session the default period is a day
        var daily = broker.send(userRef, phone, "admin stats");
        var dayRequest = (AdminStatsRequest) broker.await(Exchanges.SUPPORT_REQUESTS, daily,
                s -> s.message() instanceof AdminStatsRequest).message();
        assertEquals("day", dayRequest.period());
    }

    @Test
    void anAdminRunsAdminStatusAfterTheirCode() throws Exception {
        phone = "+18765550999";
        var inbound = broker.send(userRef, phone, "admin status");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> ((OutboundMessage) s.message()).body().contains("6-digit code"));
        awaitLocalExpectation("admin:admin status");

        var code = broker.send(userRef, phone, Totp.code(totpSecret, Instant.now()));

        var status = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, code,
                s -> ((OutboundMessage) s.message()).body().startsWith("*Services*")).message();
        assertTrue(status.body().contains("❌ sandbox DOWN"), status.body());
        assertTrue(status.body().contains("✅ command-service up"), status.body()); // read on its management port
        assertTrue(status.body().contains("*Queues*"), status.body());
        assertTrue(status.body().contains(" queues, "), status.body());

        // the session is open now: the next admin command runs at once
        var stats = broker.send(userRef, phone, "admin stats");
        var report = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, stats,
                s -> ((OutboundMessage) s.message()).body().startsWith("*Usage")).message();
        assertTrue(report.body().contains("AI fallback rate"), report.body());
    }

    @Test
    void aUsedAdminCodeIsRefusedLikeAWrongOneAndACodeOfALaterStepWorks() throws Exception {
        phone = "+18765550999";
        var now = Instant.now();
        var code = Totp.code(totpSecret, now);
        broker.send(userRef, phone, "admin status");
        awaitLocalExpectation("admin:admin status");
        var first = broker.send(userRef, phone, code);
        broker.await(Exchanges.WHATSAPP_OUTBOUND, first,
                s -> ((OutboundMessage) s.message()).body().startsWith("*Services*"));
        awaitLocalExpectation(Replies.MENU); // the report's quick replies: that message is fully handled
        // the session ends while the code is still inside its accepted window
        endAdminSession();

        broker.send(userRef, phone, "admin status");
        awaitLocalExpectation("admin:admin status");
        var replayed = broker.send(userRef, phone, code);

        broker.await(Exchanges.WHATSAPP_OUTBOUND, replayed,
                s -> ((OutboundMessage) s.message()).body().startsWith("That code didn't work"));
        // a failed attempt like a wrong code; recorded once the message is handled, so all it caused is out
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryRows("denied") == 1);
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, replayed.messageSid()).stream()
                .noneMatch(seen -> ((OutboundMessage) seen.message()).body().startsWith("*Services*")));
        assertFalse(adminSessionOpen(), "a replayed code opens no session");

        // the authenticator's next code (a later time step, inside the window) is accepted
        broker.send(userRef, phone, "admin status");
        awaitLocalExpectation("admin:admin status");
        var later = broker.send(userRef, phone, Totp.code(totpSecret, now.plus(Totp.STEP)));
        broker.await(Exchanges.WHATSAPP_OUTBOUND, later,
                s -> ((OutboundMessage) s.message()).body().startsWith("*Services*"));
        assertTrue(adminSessionOpen());
    }

    @Test
    void twoUsesOfOneAdminCodeAtOnceOpenOneSessionOnly() throws Exception {
        phone = "+18765550999";
        var code = Totp.code(totpSecret, Instant.now());
        var user = new UserState(userRef, false, null, false, false, false);
        var turns = List.of(turn(inbound(code), user), turn(inbound(code), user));
        var start = new CountDownLatch(1);
        var threads = Executors.newFixedThreadPool(turns.size());
        try {
            var results = turns.stream().map(turn -> CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return admin.verifyAndRun(turn, code, "").await().atMost(Duration.ofSeconds(20));
            }, threads)).toList();
            start.countDown();
            var outcomes = results.stream().map(CompletableFuture::join).map(Handled::outcome).toList();

            assertEquals(1, outcomes.stream().filter(Outcome.OK::equals).count(), outcomes.toString());
            assertEquals(1, outcomes.stream().filter(Outcome.DENIED::equals).count(), outcomes.toString());
            var accepted = turns.get(outcomes.indexOf(Outcome.OK)).inbound();
            var refused = turns.get(outcomes.indexOf(Outcome.DENIED)).inbound();
            broker.await(Exchanges.WHATSAPP_OUTBOUND, accepted,
                    s -> ((OutboundMessage) s.message()).body().equals("Admin session open."));
            broker.await(Exchanges.WHATSAPP_OUTBOUND, refused,
                    s -> ((OutboundMessage) s.message()).body().startsWith("That code didn't work"));
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anotherAdminsCodeDoesNotOpenThisAdminsSession() throws Exception {
        phone = ADMIN;
        broker.send(userRef, phone, "admin status");
        awaitLocalExpectation("admin:admin status");

        var code = broker.send(userRef, phone, Totp.code(OTHER_ADMIN_SECRET, Instant.now()));

        broker.await(Exchanges.WHATSAPP_OUTBOUND, code,
                s -> ((OutboundMessage) s.message()).body().startsWith("That code didn't work"));
        assertFalse(adminSessionOpen(), "each admin verifies with their own secret");
    }

    @Test
    void repeatedWrongCodesLockTheAdminOutEvenForTheRightCode() throws Exception {
        phone = ADMIN;
        var lockoutsBefore = meters.counter("command.admin.lockouts").count();
        var wrongCode = "000000".equals(Totp.code(totpSecret, Instant.now())) ? "111111" : "000000";
        // command.admin.max-failures=3 in the test profile
        for (int i = 1; i <= 3; i++) {
            broker.send(userRef, phone, "admin status");
            awaitLocalExpectation("admin:admin status");
            var wrong = broker.send(userRef, phone, wrongCode);
            var expected = i < 3 ? "That code didn't work" : "Too many wrong admin codes";
            broker.await(Exchanges.WHATSAPP_OUTBOUND, wrong,
                    s -> ((OutboundMessage) s.message()).body().startsWith(expected));
        }
        assertEquals(lockoutsBefore + 1, meters.counter("command.admin.lockouts").count(), "an alert per lockout");

        broker.send(userRef, phone, "admin status");
        awaitLocalExpectation("admin:admin status");
        var right = broker.send(userRef, phone, Totp.code(totpSecret, Instant.now()));
        broker.await(Exchanges.WHATSAPP_OUTBOUND, right,
                s -> ((OutboundMessage) s.message()).body().startsWith("Too many wrong admin codes"));
        assertFalse(adminSessionOpen(), "locked out: not even the right code opens a session");
    }

    @Test
    void aWrongAdminCodeOpensNoSession() throws Exception {
        phone = "+18765550999";
        broker.send(userRef, phone, "admin stats");
        awaitLocalExpectation("admin:admin stats day");

        var wrong = broker.send(userRef, phone, "000000".equals(Totp.code(totpSecret, Instant.now())) ? "111111"
                : "000000");

        broker.await(Exchanges.WHATSAPP_OUTBOUND, wrong,
                s -> ((OutboundMessage) s.message()).body().startsWith("That code didn't work"));
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryRows("denied") == 1);
    }

    @Test
    void anAdminCanBlockAUserWhoseMessagesThenGetNoAnswer() throws Exception {
        var userPhone = phone;
        var userUserRef = userRef;
        var hello = broker.send(userUserRef, userPhone, "hello");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, hello, s -> true);
        link();
        var username = username();

        userRef = "u_test_" + UUID.randomUUID().toString().replace("-", "");
        phone = "+18765550999";
        broker.send(userRef, phone, "admin block " + userPhone);
        awaitLocalExpectation("admin:admin block " + userPhone);
        var code = broker.send(userRef, phone, Totp.code(totpSecret, Instant.now()));
        var done = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, code,
                s -> ((OutboundMessage) s.message()).body().contains("blocked")).message();
        assertFalse(done.body().contains(userPhone), "numbers are masked: " + done.body());

        var lookup = broker.send(userRef, phone, "admin user " + userPhone);
        var report = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, lookup,
                s -> ((OutboundMessage) s.message()).body().startsWith("*User")).message();
        assertTrue(report.body().contains("Blocked: yes"), report.body());
        assertTrue(report.body().contains("preferences follow in a separate message"), report.body());
        // notification-service answers with the preferences it keeps under the user's userRef
        var seen = broker.await(Exchanges.NOTIFICATION_REQUESTS, lookup, s -> s.message() instanceof AdminUserRequest);
        assertEquals(RoutingKeys.Notification.ADMIN_USER, seen.routingKey());
        var userRequest = (AdminUserRequest) seen.message();
        assertEquals(userUserRef, userRequest.subjectUserRef());
        assertEquals("whatsapp:" + phone, userRequest.whatsapp());
        assertEquals(userRef, userRequest.envelope().userRef());
        assertFalse(userRequest.subjectLabel().contains(userPhone.substring(1)), userRequest.subjectLabel());
        assertTrue(userRequest.subjectLabel().endsWith(userPhone.substring(userPhone.length() - 4)),
                userRequest.subjectLabel());
        // nobody to ask about a number we have never seen
        var stranger = userPhone.endsWith("1111") ? "+18764442222" : "+18764441111";
        var unknown = broker.send(userRef, phone, "admin user " + stranger);
        broker.await(Exchanges.WHATSAPP_OUTBOUND, unknown,
                s -> ((OutboundMessage) s.message()).body().startsWith("No user found"));
        assertTrue(broker.all(Exchanges.NOTIFICATION_REQUESTS, unknown.messageSid()).isEmpty());
        var byName = broker.send(userRef, phone, "admin user @" + username);
        var named = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, byName,
                s -> ((OutboundMessage) s.message()).body().startsWith("*User")).message();
        assertTrue(named.body().contains("Linked: yes as @te***"), named.body());
        assertFalse(named.body().contains(username), "usernames are masked: " + named.body());

        userRef = userUserRef;
        var ignored = broker.send(userUserRef, userPhone, "balance");
        await().atMost(Duration.ofSeconds(10)).until(() -> telemetryRows("blocked") == 1);
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, ignored.messageSid()).isEmpty());
    }

    @Test
    void repliesAnsweredHereOfferTheRegistrysNextSteps() throws Exception {
        var cancel = broker.send(userRef, phone, "cancel");
        var nothing = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, cancel,
                s -> ((OutboundMessage) s.message()).body().startsWith("There's nothing to cancel")).message();
        assertEquals(List.of("help"), payloads(nothing));

        var support = broker.send(userRef, phone, "support");
        var ask = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, support,
                s -> ((OutboundMessage) s.message()).body().startsWith("Ask me anything")).message();
        assertEquals(List.of("what is flash", "help"), payloads(ask));

        var topic = broker.send(userRef, phone, "help send");
        var sendHelp = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, topic, s -> true).message();
        assertEquals(List.of("balance", "history"), payloads(sendHelp));
    }

    @Test
    void helpDependsOnWhetherTheUserIsLinked() throws Exception {
        var first = broker.send(userRef, phone, "help");
        var welcome = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, first, s -> true).message();
        assertTrue(welcome.body().contains("*link*"), welcome.body());
        assertFalse(welcome.body().contains("*balance"), welcome.body());

        link();
        var help = broker.send(userRef, phone, "help");
        var menu = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, help, s -> true).message();
        assertTrue(menu.body().contains("*balance [refresh]*"), menu.body());
        assertTrue(menu.body().lines().count() <= 8, menu.body());
        // the menu's buttons work by number too
        var two = broker.send(userRef, phone, "2");
        broker.await(Exchanges.WALLET_REQUESTS, two, s -> s.message() instanceof HistoryRequest);

        var topic = broker.send(userRef, phone, "help send");
        var sendHelp = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, topic, s -> true).message();
        assertTrue(sendHelp.body().contains("send 5 to @maria"), sendHelp.body());
    }

    @Test
    void anUnlinkEventMakesWalletCommandsAskForALinkAgain() throws Exception {
        link();
        broker.publish(Exchanges.FLASH_EVENTS, new AccountUnlinked(
                Envelope.create(RoutingKeys.FlashEvents.ACCOUNT_UNLINKED, "test", userRef), "acc-" + userRef, "user"));
        await().atMost(Duration.ofSeconds(15)).until(() -> !linked());

        var inbound = broker.send(userRef, phone, "history");
        broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> ((OutboundMessage) s.message()).body().contains("link your Flash account first"));
    }

    private <T> T routed(String text, String exchange, String routingKey, Class<T> type) throws Exception {
        return routed(broker.send(userRef, phone, text), exchange, routingKey, type);
    }

    private <T> T routed(com.flashapp.whatsapp.contracts.inbound.InboundMessage inbound, String exchange,
                         String routingKey, Class<T> type) {
        var seen = broker.await(exchange, inbound, s -> s.routingKey().equals(routingKey));
        assertEquals(routingKey, seen.message().envelope().type());
        assertEquals(userRef, seen.message().envelope().userRef());
        return assertInstanceOf(type, seen.message());
    }

    private String expect(String kind, String owner, String context, List<String> options) throws Exception {
        var id = "exp-" + UUID.randomUUID();
        broker.publish(Exchanges.CONVERSATION_EXPECT, new ConversationExpectation(
                Envelope.create(kind, "test", userRef), id, owner, context, options,
                Instant.now().plus(Duration.ofMinutes(5))));
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var stored = expectations.find(userRef).await().indefinitely();
            return stored != null && id.equals(stored.expectationId());
        });
        return id;
    }

    /** Nothing caused by this message asked another service for its part of an admin report. */
    private void assertNoAdminRequests(com.flashapp.whatsapp.contracts.inbound.InboundMessage inbound)
            throws Exception {
        for (var exchange : List.of(Exchanges.NOTIFICATION_REQUESTS, Exchanges.SUPPORT_REQUESTS)) {
            assertTrue(broker.all(exchange, inbound.messageSid()).stream()
                    .noneMatch(s -> s.message() instanceof AdminStatsRequest || s.message() instanceof AdminUserRequest
                            || s.routingKey().startsWith("admin.")), exchange);
        }
    }

    private static List<String> payloads(OutboundMessage message) {
        return message.quickReplies().stream().map(com.flashapp.whatsapp.contracts.QuickReply::payload).toList();
    }

    private void awaitLocalExpectation(String context) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var stored = expectations.find(userRef).await().indefinitely();
            return stored != null && context.equals(stored.context());
        });
    }

    private void link() throws Exception {
        TestUsers.link(broker, pool, userRef, phone, username());
    }

    private String username() {
        return "tester_" + userRef.substring(userRef.length() - 12);
    }

    private boolean linked() {
        return TestUsers.linked(pool, userRef);
    }

    /** A message as the gateway would deliver it, for calling a service directly. */
    private InboundMessage inbound(String text) {
        var sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        return new InboundMessage(Envelope.create(RoutingKeys.Inbound.TEXT, sid, userRef), sid, "whatsapp:" + phone,
                phone, "Test User", text, false, List.of(), null, null, null, null, Instant.now());
    }

    private static Turn turn(InboundMessage inbound, UserState user) {
        return new Turn(inbound, user, true, "en", ExpectationRepository.Found.nothing(user.userRef()));
    }

    private void endAdminSession() {
        redis.key().del(keyPrefix + "admin-session:" + userRef);
    }

    private boolean adminSessionOpen() {
        return redis.key().exists(keyPrefix + "admin-session:" + userRef);
    }

    private long telemetryRows(String outcome) {
        return pool.preparedQuery("select count(*) from command_event where user_ref = $1 and outcome = $2")
                .execute(Tuple.of(userRef, outcome)).await().indefinitely().iterator().next().getLong(0);
    }
}
