package com.flashapp.whatsapp.notification.support;

import com.flashapp.whatsapp.contracts.ContractMessage;
import com.flashapp.whatsapp.contracts.Envelope;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.delivery.DeliveryStatus;
import com.flashapp.whatsapp.contracts.outbound.OutboundMessage;
import com.flashapp.whatsapp.messaging.testkit.TestBroker;
import com.flashapp.whatsapp.notification.service.OutboxRelay;
import io.quarkus.test.common.QuarkusTestResource;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared wiring for the end-to-end tests: real broker and PostgreSQL, WireMock as Twilio, a movable clock. */
@QuarkusTestResource(WireMockTwilio.class)
public abstract class NotificationTestBase {

    protected static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    protected Pool pool;

    @Inject
    protected OutboxRelay relay;

    protected TestBroker broker;

    @BeforeEach
    void connectBroker() throws Exception {
        broker = new TestBroker();
        TestClock.INSTANCE.reset();
        relay.resume();
    }

    @AfterEach
    void closeBroker() throws Exception {
        TestClock.INSTANCE.reset();
        relay.resume();
        broker.close();
        assertQueueMatchesRecords();
    }

    /**
     * The relay's queue holds exactly the unsent messages, each in its record's state: every statement that moves
     * a message into or out of queued/sending changes both tables at once, so one snapshot sees them agree.
     */
    protected void assertQueueMatchesRecords() {
        var row = pool.query("select (select count(*) from outbound_pending q left join outbound_message m "
                        + "on m.id = q.id where m.state is distinct from q.state) as stray, "
                        + "(select count(*) from outbound_message m where m.state in ('queued', 'sending') "
                        + "and not exists (select 1 from outbound_pending q where q.id = m.id)) as missing")
                .execute().await().indefinitely().iterator().next();
        assertEquals(0L, row.getLong("stray"), "queue rows whose message is not in that state");
        assertEquals(0L, row.getLong("missing"), "unsent messages missing from the queue");
    }

    /** A fresh WhatsApp address no other test (or engineer) uses. */
    protected static String randomWhatsapp() {
        return "whatsapp:+1876555" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000))
                + String.format("%03d", ThreadLocalRandom.current().nextInt(1_000));
    }

    protected static String randomUserRef() {
        return "u_test" + UUID.randomUUID().toString().replace("-", "");
    }

    protected static String randomSid() {
        return "SM" + UUID.randomUUID().toString().replace("-", "");
    }

    protected static OutboundMessage reply(String to, String userRef, String body) {
        return new OutboundMessage(Envelope.create(RoutingKeys.Outbound.REPLY, randomSid(), userRef), to, body,
                List.of(), List.<QuickReply>of(), null, null, Instant.now());
    }

    protected static OutboundMessage notification(String to, String userRef, String body, String templateKey,
                                                  Map<String, String> variables, Instant lastInboundAt) {
        return new OutboundMessage(Envelope.create(RoutingKeys.Outbound.NOTIFICATION, randomSid(), userRef), to,
                body, List.of(), List.of(), templateKey, variables, lastInboundAt);
    }

    protected void publish(String exchange, ContractMessage message) {
        try {
            broker.publish(exchange, message);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Twilio status callback as the gateway publishes it. */
    protected void status(Envelope request, String sid, String status, String to, String errorCode) {
        var envelope = Envelope.create(RoutingKeys.Delivery.forStatus(status), request.correlationId(),
                request.userRef());
        publish(Exchanges.WHATSAPP_DELIVERY, new DeliveryStatus(envelope, sid, status, to, errorCode,
                errorCode == null ? null : "Twilio error " + errorCode, Instant.now()));
    }

    protected void send(OutboundMessage message) {
        publish(Exchanges.WHATSAPP_OUTBOUND, message);
    }

    /** The stored outbound rows to a number, oldest first. */
    protected List<Row> stored(String to) {
        var rows = pool.preparedQuery("select * from outbound_message where to_address = $1 order by seq")
                .execute(Tuple.of(to)).await().indefinitely();
        var list = new ArrayList<Row>();
        rows.forEach(list::add);
        return list;
    }

    protected Row storedOne(String to) {
        var rows = await().atMost(WAIT).until(() -> stored(to), r -> r.size() == 1);
        return rows.get(0);
    }

    protected String stateOf(UUID id) {
        var rows = pool.preparedQuery("select state from outbound_message where id = $1").execute(Tuple.of(id))
                .await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next().getString(0);
    }

    protected Row awaitState(String to, String state) {
        return await().atMost(WAIT).until(() -> stored(to), r -> !r.isEmpty()
                && r.stream().allMatch(row -> state.equals(row.getString("state")))).get(0);
    }

    protected void pauseRelay() {
        relay.pause();
        await().atMost(WAIT).until(relay::idle);
    }
}
