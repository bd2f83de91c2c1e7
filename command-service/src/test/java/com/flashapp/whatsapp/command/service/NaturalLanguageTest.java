package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.intent.IntentDataset;
import com.flashapp.whatsapp.command.intent.Labels;
import com.flashapp.whatsapp.contracts.Amount;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.Recipient;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.inbound.InboundMessage;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.contracts.support.SupportQuestion;
import com.flashapp.whatsapp.contracts.wallet.BalanceRequest;
import com.flashapp.whatsapp.contracts.wallet.ConfirmationAnswer;
import com.flashapp.whatsapp.contracts.wallet.HistoryRequest;
import com.flashapp.whatsapp.contracts.wallet.PaymentRequestCommand;
import com.flashapp.whatsapp.contracts.wallet.PaymentSendRequest;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Tuple;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Natural messages through the running engine (real broker, Redis, PostgreSQL): what each one causes. */
@QuarkusTest
class NaturalLanguageTest extends NewUserEngineTest {

    @BeforeEach
    void linked() throws Exception {
        broker.await(Exchanges.WHATSAPP_OUTBOUND, broker.send(userRef, phone, "hello"), s -> true); // the welcome
        TestUsers.link(broker, pool, userRef, phone, "tester_" + userRef.substring(userRef.length() - 12));
    }

    @Test
    void aPatoisBalanceRequestGetsTheBalance() throws Exception {
        var inbound = broker.send(userRef, phone, "wah mi a balance deh?");
        broker.await(Exchanges.WALLET_REQUESTS, inbound, s -> s.message() instanceof BalanceRequest);
        assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, inbound.messageSid()).isEmpty(), "not an FAQ");
    }

    @Test
    void aNaturalSendBecomesTheTypedSendWhoseCardBalanceServiceShows() throws Exception {
        var inbound = broker.send(userRef, phone, "mi waan sen 5 dolla to @bob");
        var seen = broker.await(Exchanges.WALLET_REQUESTS, inbound, s -> s.message() instanceof PaymentSendRequest);
        var send = (PaymentSendRequest) seen.message();
        assertEquals(RoutingKeys.Wallet.PAYMENT_SEND, seen.routingKey());
        assertEquals(new Amount(new BigDecimal("5"), Amount.USD), send.amount());
        assertEquals(new Recipient(Recipient.Kind.USERNAME, "bob"), send.to());
    }

    @Test
    void aSpanishBalanceRequestIsUnderstoodAndTheEnglishRepliesAreExplainedOnce() throws Exception {
        var first = broker.send(userRef, phone, "¿cuál es mi saldo?");
        broker.await(Exchanges.WALLET_REQUESTS, first, s -> s.message() instanceof BalanceRequest);
        broker.await(Exchanges.WHATSAPP_OUTBOUND, first,
                s -> ((OutboundMessage) s.message()).body().equals(ConversationService.ENGLISH_FOR_NOW));

        var second = broker.send(userRef, phone, "saldo");
        broker.await(Exchanges.WALLET_REQUESTS, second, s -> s.message() instanceof BalanceRequest);
        assertTrue(broker.all(Exchanges.WHATSAPP_OUTBOUND, second.messageSid()).stream()
                .noneMatch(s -> ((OutboundMessage) s.message()).body().equals(ConversationService.ENGLISH_FOR_NOW)));
    }

    @Test
    void smallTalkGetsAShortFriendlyReplyAndNoFaq() throws Exception {
        for (var text : List.of("thanks!", "👍", "good morning")) {
            var inbound = broker.send(userRef, phone, text);
            var reply = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound, s -> true).message();
            assertTrue(reply.body().length() < 80, reply.body());
            assertTrue(broker.all(Exchanges.SUPPORT_REQUESTS, inbound.messageSid()).isEmpty(), text);
        }
    }

    @Test
    void anUnsurePhraseIsOfferedAsDidYouMeanAndYesRunsIt() throws Exception {
        var inbound = broker.send(userRef, phone, "ask @bob for 5");
        var offer = (OutboundMessage) broker.await(Exchanges.WHATSAPP_OUTBOUND, inbound,
                s -> ((OutboundMessage) s.message()).body().startsWith("Did you mean")).message();
        assertEquals("Did you mean *request 5 usd from @bob*? Reply YES", offer.body());
        assertTrue(broker.all(Exchanges.WALLET_REQUESTS, inbound.messageSid()).isEmpty(), "nothing before YES");
        await().atMost(Duration.ofSeconds(10)).until(() -> expectations.find(userRef).await().indefinitely() != null);

        var yes = broker.send(userRef, phone, "yes");
        var request = (PaymentRequestCommand) broker.await(Exchanges.WALLET_REQUESTS, yes,
                s -> s.message() instanceof PaymentRequestCommand).message();
        assertEquals(new Recipient(Recipient.Kind.USERNAME, "bob"), request.from());
    }

    @Test
    void whatFellThroughOrWasCorrectedIsCountedRedacted() throws Exception {
        var question = broker.send(userRef, phone, "why is my payment to @marcus of 25 pending");
        broker.await(Exchanges.SUPPORT_REQUESTS, question, s -> s.message() instanceof SupportQuestion);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count("why is my payment to @user of # pending", "fell_through") >= 1);

        var history = broker.send(userRef, phone, "show me who sent me money");
        broker.await(Exchanges.WALLET_REQUESTS, history, s -> true);
        var meant = broker.send(userRef, phone, "no, I meant history");
        broker.await(Exchanges.WALLET_REQUESTS, meant, s -> s.message() instanceof HistoryRequest);
        await().atMost(Duration.ofSeconds(10)).until(() -> count("show me who sent me money", "corrected") >= 1);
    }

    /**
     * Safety: every phrasing of the dataset, from a linked user with nothing pending. Money can only move through
     * a {@code payment.send} request, which balance-service always answers with its confirmation card (and MFA);
     * no phrasing may produce a {@link ConfirmationAnswer} (the YES to a card) or any other route.
     */
    @Test
    void noNaturalPhrasingMovesMoneyWithoutTheCard() throws Exception {
        var sent = new ArrayList<InboundMessage>();
        for (var phrasing : IntentDataset.all()) {
            if (!Labels.isCommand(phrasing.label()) || phrasing.text().contains("cancel")) {
                continue;
            }
            sent.add(broker.send(userRef, phone, phrasing.text()));
            // one at a time: a "Did you mean" left open must not take the next phrasing as its answer
            await().atMost(Duration.ofSeconds(20)).until(() -> telemetryRows() >= sent.size() + 1);
            expectations.delete(userRef).await().indefinitely();
        }
        for (var inbound : sent) {
            for (var exchange : List.of(Exchanges.WALLET_REQUESTS, Exchanges.SUPPORT_REQUESTS,
                    Exchanges.NOTIFICATION_REQUESTS)) {
                for (var seen : broker.all(exchange, inbound.messageSid())) {
                    assertFalse(seen.message() instanceof ConfirmationAnswer, inbound.body());
                    if (seen.message() instanceof PaymentSendRequest) {
                        assertEquals(Exchanges.WALLET_REQUESTS, seen.exchange());
                        assertEquals(RoutingKeys.Wallet.PAYMENT_SEND, seen.routingKey(), inbound.body());
                    }
                }
            }
        }
    }

    private long count(String phrase, String reason) {
        return pool.preparedQuery("select coalesce(sum(count), 0) from intent_phrase where phrase = $1 and reason = $2")
                .execute(Tuple.of(phrase, reason)).await().indefinitely().iterator().next().getLong(0);
    }

    private long telemetryRows() {
        return pool.preparedQuery("select count(*) from command_event where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getLong(0);
    }
}
