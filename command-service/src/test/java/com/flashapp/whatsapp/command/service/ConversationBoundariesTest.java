package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.admin.AdminService;
import com.flashapp.whatsapp.command.admin.Totp;
import com.flashapp.whatsapp.command.repository.ExpectationRepository;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.admin.AdminStatsRequest;
import com.flashapp.whatsapp.contracts.admin.AdminUserRequest;
import com.flashapp.whatsapp.contracts.expect.ConversationExpectation;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security boundaries of the conversation (issue 19): admin commands from anyone who is not a configured admin
 * number are an unknown message — no code asked, no session, no report requested, nothing blocked — even with a
 * valid admin code in hand; and one user's reply never answers another user's open confirmation, code or choice.
 */
@QuarkusTest
class ConversationBoundariesTest {

    /** The test admin (command.admin.accounts in the test profile) and their TOTP secret. */
    static final String ADMIN = "+18765550999";
    static final String ADMIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    /** Every admin command form, as typed; none may do anything for a non-admin. */
    static final List<String> ADMIN_COMMANDS = List.of("admin status", "admin stats", "admin stats week",
            "admin stats day", "ADMIN STATUS", "Admin Stats", "admin user @someone", "admin user +18765550123",
            "admin block +18765550123", "admin unblock +18765550123", "admin", "admin  status", "admin block",
            "admin user");

    @Inject
    Pool pool;

    @Inject
    ExpectationRepository expectations;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "app.redis.key-prefix")
    String keyPrefix;

    BrokerProbe broker;

    @BeforeEach
    void connect() throws Exception {
        // the admin's used code steps, failures and lockout are shared with other tests: start clean
        var scan = new io.quarkus.redis.datasource.keys.KeyScanArgs().match(keyPrefix + "admin-*");
        for (var key : redis.key().scan(scan).toIterable()) {
            redis.key().del(key);
        }
        broker = TestUsers.probe();
    }

    @AfterEach
    void disconnect() {
        broker.close();
    }

    @Test
    void everyAdminCommandFromANonAdminIsAnUnknownMessageThatDoesNothing() throws Exception {
        var userRef = TestUsers.newUserRef();
        var phone = TestUsers.newPhone();
        TestUsers.link(broker, pool, userRef, phone, "plain_" + userRef.substring(userRef.length() - 10));
        var victimRef = TestUsers.newUserRef();
        var victimPhone = "+18765550123";
        broker.send(victimRef, victimPhone, "hello");
        await().atMost(Duration.ofSeconds(15)).until(() -> exists(victimRef));

        for (var command : ADMIN_COMMANDS) {
            // typed, and as a tapped quick reply (the payload is read as a command)
            for (var asButton : List.of(false, true)) {
                var inbound = asButton ? sendHandled(userRef, phone, "Status", command)
                        : sendHandled(userRef, phone, command, null);
                assertNoAdminEffect(userRef, inbound, command + (asButton ? " (button)" : ""));
            }
        }
        // a plain "admin status" is a question for AI support, like any unknown message
        var plain = sendHandled(userRef, phone, "admin status", null);
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, plain.messageSid()).stream()
                .anyMatch(s -> s.message() instanceof SupportQuestion));
        // the admin's current code does not help a non-admin: it is never checked as an admin code
        var code = sendHandled(userRef, phone, Totp.code(ADMIN_SECRET, Instant.now()), null);
        assertNoAdminEffect(userRef, code, "the admin's code");
        assertFalse(blocked(victimRef), "nobody was blocked");
    }

    @Test
    void aNonAdminWithAnAdminCodeExpectationOfTheirOwnCannotOpenASession() throws Exception {
        // even if a stored "admin:" expectation belonged to a non-admin (it never should), the code is refused:
        // the number decides, not the conversation state
        var userRef = TestUsers.newUserRef();
        var phone = TestUsers.newPhone();
        var local = new ConversationExpectation(Envelope.create(RoutingKeys.Expect.CODE, "test", userRef),
                "exp-" + UUID.randomUUID(), Replies.LOCAL_OWNER, AdminService.CONTEXT + "admin status", List.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        // (another service cannot plant one over the broker: ConversationService.expect drops an expectation whose
        // owner is not an exchange command-service publishes to; it is stored here directly)
        expectations.save(local, Duration.ofMinutes(5)).await().atMost(Duration.ofSeconds(10));

        var code = sendHandled(userRef, phone, Totp.code(ADMIN_SECRET, Instant.now()), null);
        assertFalse(sessionOpen(userRef), "no admin session for a non-admin number");
        assertNoAdminRequests(code);
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, code.messageSid()).stream()
                .map(s -> ((OutboundMessage) s.message()).body()).noneMatch(b -> b.startsWith("*Status")
                        || b.contains("Admin session open")), "no admin report");
    }

    @Test
    void oneUsersYesDoesNotAnswerAnotherUsersConfirmation() throws Exception {
        var alice = TestUsers.newUserRef();
        var alicePhone = TestUsers.newPhone();
        var mallory = TestUsers.newUserRef();
        var malloryPhone = TestUsers.newPhone();
        var aliceExpectation = expect(alice, RoutingKeys.Expect.CONFIRMATION, "send:" + UUID.randomUUID(),
                List.of("YES", "NO"));

        for (var text : List.of("YES", "yes", "Y", "ok", "👍", "NO", "cancel")) {
            var reply = sendHandled(mallory, malloryPhone, text, null);
            assertNoAnswerTo(aliceExpectation, reply);
        }
        var stored = expectations.find(alice).await().indefinitely();
        assertNotNull(stored, "Alice's confirmation is still open");
        assertEquals(aliceExpectation, stored.expectationId());

        var yes = broker.send(alice, alicePhone, "YES");
        var answer = (ConfirmationAnswer) broker.await(Exchanges.WALLET_REQUESTS, yes,
                s -> s.message() instanceof ConfirmationAnswer).message();
        assertEquals(aliceExpectation, answer.expectationId());
        assertEquals(alice, answer.envelope().userRef());
        assertEquals("whatsapp:" + alicePhone, answer.whatsapp());
    }

    @Test
    void anotherUsersCodeOrChoiceNeverReachesTheOwnerOfAnExpectation() throws Exception {
        var alice = TestUsers.newUserRef();
        var mallory = TestUsers.newUserRef();
        var malloryPhone = TestUsers.newPhone();
        var aliceCode = expect(alice, RoutingKeys.Expect.CODE, "mfa:" + UUID.randomUUID(), List.of());
        var code = sendHandled(mallory, malloryPhone, "482913", null);
        assertNoAnswerTo(aliceCode, code);
        assertEquals(aliceCode, expectations.find(alice).await().indefinitely().expectationId());

        // Mallory's own open choice gets Mallory's answer, with Mallory's id, never Alice's
        var malloryChoice = expect(mallory, RoutingKeys.Expect.CHOICE, "faq:card", List.of("keep", "remove"));
        var two = broker.send(mallory, malloryPhone, "2");
        var answer = (ConfirmationAnswer) broker.await(Exchanges.SUPPORT_REQUESTS, two,
                s -> s.message() instanceof ConfirmationAnswer).message();
        assertEquals(malloryChoice, answer.expectationId());
        assertEquals(mallory, answer.envelope().userRef());
        assertNoAnswerTo(aliceCode, two);
        assertEquals(aliceCode, expectations.find(alice).await().indefinitely().expectationId());
    }

    // ------------------------------------------------------------------ helpers

    private String expect(String userRef, String kind, String context, List<String> options) {
        var id = "exp-" + UUID.randomUUID();
        var owner = context.startsWith("faq:") ? Exchanges.SUPPORT_REQUESTS : Exchanges.WALLET_REQUESTS;
        broker.publish(Exchanges.CONVERSATION_EXPECT, new ConversationExpectation(Envelope.create(kind, "test", userRef),
                id, owner, context, options, Instant.now().plus(Duration.ofMinutes(5))));
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var stored = expectations.find(userRef).await().indefinitely();
            return stored != null && id.equals(stored.expectationId());
        });
        return id;
    }

    /** Nothing this message caused answers the expectation, on any exchange. */
    private void assertNoAnswerTo(String expectationId, InboundMessage inbound) {
        for (var exchange : List.of(Exchanges.WALLET_REQUESTS, Exchanges.SUPPORT_REQUESTS, Exchanges.NOTIFICATION_REQUESTS)) {
            assertTrue(broker.all(exchange, inbound.messageSid()).stream()
                    .noneMatch(s -> s.message() instanceof ConfirmationAnswer a && expectationId.equals(a.expectationId())),
                    "'" + inbound.body() + "' answered another user's expectation");
        }
    }

    private void assertNoAdminEffect(String userRef, InboundMessage inbound, String what) {
        assertFalse(sessionOpen(userRef), what + ": admin session opened");
        var open = expectations.find(userRef).await().indefinitely();
        assertTrue(open == null || !open.context().startsWith(AdminService.CONTEXT), what + ": asked for an admin code");
        assertNoAdminRequests(inbound);
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, inbound.messageSid()).stream()
                .map(s -> ((OutboundMessage) s.message()).body().toLowerCase())
                .noneMatch(body -> body.contains("admin") || body.contains("authenticator")), what + ": admin hinted at");
    }

    private void assertNoAdminRequests(InboundMessage inbound) {
        for (var exchange : List.of(Exchanges.NOTIFICATION_REQUESTS, Exchanges.SUPPORT_REQUESTS)) {
            assertTrue(broker.all(exchange, inbound.messageSid()).stream()
                    .noneMatch(s -> s.message() instanceof AdminStatsRequest || s.message() instanceof AdminUserRequest
                            || s.routingKey().startsWith("admin.")), exchange);
        }
    }

    /** Sends a text (or a tapped quick reply) and waits until it was handled: its telemetry row is written last. */
    private InboundMessage sendHandled(String userRef, String phone, String text, String buttonPayload) {
        var before = events(userRef);
        var inbound = broker.send(userRef, phone, text, buttonPayload);
        await().atMost(Duration.ofSeconds(20)).until(() -> events(userRef) > before);
        return inbound;
    }

    private long events(String userRef) {
        return pool.preparedQuery("select count(*) from command_event where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getLong(0);
    }

    private boolean sessionOpen(String userRef) {
        return redis.key().exists(keyPrefix + "admin-session:" + userRef);
    }

    private boolean exists(String userRef) {
        return pool.preparedQuery("select count(*) from conversation_user where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getLong(0) == 1;
    }

    private boolean blocked(String userRef) {
        return pool.preparedQuery("select blocked from conversation_user where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getBoolean(0);
    }
}
