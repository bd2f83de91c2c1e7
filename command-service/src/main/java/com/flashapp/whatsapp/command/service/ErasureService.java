package com.flashapp.whatsapp.command.service;

import com.flashapp.whatsapp.command.telemetry.Outcome;
import com.flashapp.whatsapp.command.telemetry.Telemetry;
import com.flashapp.whatsapp.contracts.Exchanges;
import com.flashapp.whatsapp.contracts.QuickReply;
import com.flashapp.whatsapp.contracts.RoutingKeys;
import com.flashapp.whatsapp.contracts.user.UserErasureRequested;
import com.flashapp.whatsapp.messaging.Publisher;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.KeyScanArgs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;

/**
 * "delete my data": asks for a YES, then publishes {@code user.erasure-requested} on {@code user.lifecycle} (every
 * service deletes what it holds about the user; notification-service confirms to the user once its part is done)
 * and deletes command-service's own rows and Redis keys of the user.
 */
@ApplicationScoped
public class ErasureService {

    /** The context of the local YES/NO expectation. */
    public static final String CONTEXT = "erase";
    /** The telemetry label (no telemetry row is kept for the erasure itself). */
    public static final String COMMAND = "erase";

    static final String QUESTION = "This erases everything this chat keeps about you: the link to your Flash "
            + "account, your notification settings, your questions and the messages we exchanged. Your Flash "
            + "account and its money stay as they are. Reply YES to erase it all, or NO to keep it.";
    static final String KEPT = "OK, nothing was erased.";

    private final Publisher publisher;
    private final Replies replies;
    private final Pool pool;
    private final ReactiveRedisDataSource redis;
    private final String keyPrefix;
    private final Telemetry telemetry;

    public ErasureService(Publisher publisher, Replies replies, Pool pool, ReactiveRedisDataSource redis,
                          @ConfigProperty(name = "app.redis.key-prefix") String keyPrefix, Telemetry telemetry) {
        this.telemetry = telemetry;
        this.publisher = publisher;
        this.replies = replies;
        this.pool = pool;
        this.redis = redis;
        this.keyPrefix = keyPrefix;
    }

    /** The confirmation question, with a local YES/NO expectation. */
    public Uni<Handled> ask(Turn turn) {
        return replies.publish(turn, QUESTION,
                        List.of(new QuickReply("yes", "Yes, erase"), new QuickReply("no", "No, keep")))
                .flatMap(ignored -> replies.expect(turn, RoutingKeys.Expect.CONFIRMATION, CONTEXT,
                        List.of()))
                .replaceWith(Handled.ok(COMMAND));
    }

    /** The user's YES or NO. */
    public Uni<Handled> answer(Turn turn, boolean yes) {
        if (!yes) {
            return replies.send(turn, KEPT).replaceWith(new Handled(COMMAND, Outcome.CANCELLED));
        }
        var event = new UserErasureRequested(turn.follow(RoutingKeys.User.ERASURE_REQUESTED), turn.whatsapp());
        // published first: if the broker refuses, nothing is deleted and the message is retried as a whole
        return publisher.publish(Exchanges.USER_LIFECYCLE, event)
                .flatMap(ignored -> eraseLocal(turn.userRef()))
                .invoke(() -> Log.infof("Erasure requested by %s (%s)", turn.userRef(),
                        event.envelope().messageId()))
                .replaceWith(new Handled(COMMAND, Outcome.ERASED));
    }

    /**
     * Deletes command-service's rows and Redis keys of one user, once the telemetry rows recorded so far are written
     * (they are written behind the conversation: one still queued would otherwise land after the delete).
     */
    public Uni<Void> eraseLocal(String userRef) {
        return telemetry.flushed()
                .flatMap(x -> pool.preparedQuery("delete from conversation_user where user_ref = $1")
                        .execute(Tuple.of(userRef)))
                .flatMap(x -> pool.preparedQuery("delete from command_event where user_ref = $1")
                        .execute(Tuple.of(userRef)))
                // the route of their support ticket (ai-support deletes the ticket itself)
                .flatMap(x -> pool.preparedQuery("delete from handoff_route where party = $1")
                        .execute(Tuple.of("user:" + userRef)))
                .flatMap(x -> redis.key(String.class)
                        .scan(new KeyScanArgs().match(keyPrefix + "*" + userRef + "*").count(500)).toMulti()
                        .collect().asList())
                .flatMap(keys -> keys.isEmpty() ? Uni.createFrom().voidItem()
                        : redis.key(String.class).del(keys.toArray(String[]::new)).replaceWithVoid());
    }
}
