package com.flashapp.whatsapp.command.service;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who wrote when, against the real PostgreSQL: a retried message is the same message. */
@QuarkusTest
class UserServiceTest {

    @Inject
    UserService users;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Test
    void aRetriedFirstMessageIsStillTheFirstContactAndCountsOnce() throws Exception {
        var userRef = TestUsers.newUserRef();
        var first = UUID.randomUUID();

        // the first attempt touched the user and then failed (say, Redis restarting): the retry still welcomes
        assertTrue(onContext(() -> users.touch(userRef, null, first)).firstContact());
        assertTrue(onContext(() -> users.touch(userRef, null, first)).firstContact());
        assertEquals(1, messageCount(userRef));

        assertFalse(onContext(() -> users.touch(userRef, null, UUID.randomUUID())).firstContact());
        assertEquals(2, messageCount(userRef));
    }

    private <T> T onContext(Supplier<Uni<T>> work) throws Exception {
        var result = new CompletableFuture<T>();
        var context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true); // as the messaging consumer's handling contexts are
        context.runOnContext(v -> Uni.createFrom().<T>deferred(work::get).subscribe()
                .with(result::complete, result::completeExceptionally));
        return result.get(20, TimeUnit.SECONDS);
    }

    private long messageCount(String userRef) {
        return pool.preparedQuery("select message_count from conversation_user where user_ref = $1")
                .execute(Tuple.of(userRef)).await().indefinitely().iterator().next().getLong(0);
    }
}
